// Every element-wise Function passes gradcheck on drawn shapes, layouts and broadcasts.
import { describe, it } from 'vitest';
import { cases } from './elementwise.cases';

describe('element-wise Functions pass gradcheck', () => {
  for (const [name, c] of Object.entries(cases)) it(name, () => c.check());
});
