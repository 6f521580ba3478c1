import { describe, it } from 'vitest';
import { cases } from './shape.cases';

describe('shape Functions pass gradcheck', () => {
  for (const [name, c] of Object.entries(cases)) it(name, () => c.check());
});
