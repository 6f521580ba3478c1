// Every view/layout Function passes gradcheck on drawn shapes and layouts.
import { describe, it } from 'vitest';
import { cases } from './views.cases';

describe('view Functions pass gradcheck', () => {
  for (const [name, c] of Object.entries(cases)) it(name, () => c.check());
});
