// The pooling Functions pass gradcheck; maxPool2dWithIndices exposes the argmax.
import { describe, expect, it } from 'vitest';
import { maxPool2dWithIndices, noGrad, tensor } from '@adder/autograd';
import { cases } from './pool.cases';

describe('pooling Functions pass gradcheck', () => {
  for (const [name, c] of Object.entries(cases)) it(name, () => c.check());
});

describe('maxPool2dWithIndices', () => {
  it('returns the flat in-plane argmax, also under noGrad', () => {
    const x = tensor([[[[1, 5, 2, 0], [3, 4, 9, 8], [7, 6, 1, 2], [0, 1, 3, 4]]]], { requiresGrad: true });
    const { values, indices } = maxPool2dWithIndices(x, { kernelSize: 2 });
    expect(values.toArray()).toEqual([[[[5, 9], [7, 4]]]]);
    expect(indices.toArray()).toEqual([[[[1, 6], [8, 15]]]]);
    const quiet = noGrad(() => maxPool2dWithIndices(x, { kernelSize: 2 }));
    expect(quiet.values.gradFn).toBeNull();
    expect(quiet.indices.toArray()).toEqual([[[[1, 6], [8, 15]]]]);
  });
});
