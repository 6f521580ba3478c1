import { describe, it } from 'vitest';
import { cases } from './extrema.cases';

describe('extrema Functions pass gradcheck', () => {
  for (const [name, c] of Object.entries(cases)) it(name, () => c.check());
});
