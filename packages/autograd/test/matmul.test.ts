// matmul passes gradcheck with 1-D operands and broadcast batch dims.
import { describe, it } from 'vitest';
import { cases } from './matmul.cases';

describe('matmul passes gradcheck', () => {
  for (const [name, c] of Object.entries(cases)) it(name, () => c.check());
});
