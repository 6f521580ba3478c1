// Every reduction Function passes gradcheck on drawn shapes, layouts and axes.
import { describe, it } from 'vitest';
import { std } from '@adder/autograd';
import { arg, describeGolden } from './reductions-golden';
import { cases } from './reduce.cases';

describe('reduction Functions pass gradcheck', () => {
  for (const [name, c] of Object.entries(cases)) it(name, () => c.check());
});

describeGolden(['std'], (c, x) => {
  const keepdim = arg<boolean | undefined>(c, 'keepdim') ?? false;
  const correction = arg<number | undefined>(c, 'correction');
  const unbiased = arg<boolean | undefined>(c, 'unbiased');
  return std(x, arg<number[] | undefined>(c, 'dim'), correction !== undefined ? { keepdim, correction } : unbiased !== undefined ? { keepdim, unbiased } : { keepdim });
});
