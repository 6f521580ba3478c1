// The comparisons, argmax/argmin and sign (ops/compare.ts): plain results that never carry a gradient.
import { describe, expect, it } from 'vitest';
import { tensor } from '@adder/autograd';
import { cases } from './compare.cases';

describe('compare Functions pass gradcheck', () => {
  it('ops/compare.ts registers no Function, so its case table is empty', () => expect(Object.keys(cases)).toEqual([]));
  for (const [name, c] of Object.entries(cases)) it(name, () => c.check());
});

describe('non-differentiable ops', () => {
  it('comparisons give uint8 masks, argmax int32 indices, and none requires grad', () => {
    const x = tensor([[1, 5, 2], [7, 0, 7]], { requiresGrad: true });
    const mask = x.gt(1.5);
    expect(mask.dtype).toBe('uint8');
    expect(mask.toArray()).toEqual([[0, 1, 1], [1, 0, 1]]);
    expect(mask.requiresGrad).toBe(false);
    expect(x.argmax(1).toArray()).toEqual([1, 0]);
    expect(x.argmin(1).dtype).toBe('int32');
    expect(x.eq(7).toArray()).toEqual([[0, 0, 0], [1, 0, 1]]);
    expect(x.sub(2).sign().toArray()).toEqual([[-1, 1, 0], [1, -1, 1]]);
    expect(x.sign().gradFn).toBeNull();
  });
});
