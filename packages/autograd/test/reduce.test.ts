// Every reduction Function passes gradcheck on drawn shapes, layouts and axes.
import { describe, it } from 'vitest';
import { cases } from './reduce.cases';

describe('reduction Functions pass gradcheck', () => {
  for (const [name, c] of Object.entries(cases)) it(name, () => c.check());
});
