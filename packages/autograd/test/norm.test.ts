import { describe, it } from 'vitest';
import { norm, type NormOrder } from '@adder/autograd';
import { arg, describeGolden } from './reductions-golden';
import { cases } from './norm.cases';

describe('norm Functions pass gradcheck', () => {
  for (const [name, c] of Object.entries(cases)) it(name, () => c.check());
});

describeGolden(['norm'], (c, x) => norm(x, arg<NormOrder>(c, 'p'), arg<number[] | undefined>(c, 'dim'), arg<boolean | undefined>(c, 'keepdim') ?? false));
