import { describe, it } from 'vitest';
import { cumsum, prod } from '@adder/autograd';
import { arg, describeGolden } from './reductions-golden';
import { cases } from './scan.cases';

describe('scan Functions pass gradcheck', () => {
  for (const [name, c] of Object.entries(cases)) it(name, () => c.check());
});

describeGolden(['prod', 'cumsum'], (c, x) =>
  c.op === 'cumsum' ? cumsum(x, arg<number>(c, 'dim')) : prod(x, arg<number | undefined>(c, 'dim'), arg<boolean | undefined>(c, 'keepdim') ?? false),
);
