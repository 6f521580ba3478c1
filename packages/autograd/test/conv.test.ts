// conv2d and unfold/fold pass gradcheck on drawn geometries and layouts.
import { describe, it } from 'vitest';
import { cases } from './conv.cases';

describe('convolution Functions pass gradcheck', () => {
  for (const [name, c] of Object.entries(cases)) it(name, () => c.check());
});
