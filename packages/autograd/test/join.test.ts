// cat, stack and pad pass gradcheck on drawn shapes, axes and pads.
import { describe, it } from 'vitest';
import { cases } from './join.cases';

describe('join Functions pass gradcheck', () => {
  for (const [name, c] of Object.entries(cases)) it(name, () => c.check());
});
