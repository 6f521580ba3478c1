import { describe, it } from 'vitest';
import { amax, amin, max, min } from '@adder/autograd';
import { arg, describeGolden } from './reductions-golden';
import { cases } from './extrema.cases';

describe('extrema Functions pass gradcheck', () => {
  for (const [name, c] of Object.entries(cases)) it(name, () => c.check());
});

describeGolden(['maxDim', 'minDim', 'max', 'min', 'amax', 'amin'], (c, x) => {
  const dim = arg<number | number[] | undefined>(c, 'dim');
  const keepdim = arg<boolean | undefined>(c, 'keepdim') ?? false;
  if (c.op === 'maxDim') return max(x, dim as number, keepdim);
  if (c.op === 'minDim') return min(x, dim as number, keepdim);
  if (c.op === 'max') return max(x);
  if (c.op === 'min') return min(x);
  return (c.op === 'amax' ? amax : amin)(x, dim, keepdim);
});
