// gather/indexSelect pass gradcheck; comparisons, argmax and sign never carry a gradient.
import { describe, expect, it } from 'vitest';
import { tensor } from '@adder/autograd';
import { cases } from './indexing.cases';

describe('indexing Functions pass gradcheck', () => {
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

  it('gather picks the targets of a cross-entropy and routes their gradient back', () => {
    const logits = tensor([[1, 2, 3], [1, 1, 1]], { dtype: 'float64', requiresGrad: true });
    const target = tensor(Int32Array.from([2, 0]), { shape: [2, 1] });
    const nll = logits.logSoftmax(1).gather(1, target).neg().mean();
    nll.backward();
    // d/dlogits = (softmax - onehot) / batch
    const p0 = [1, 2, 3].map((v) => Math.exp(v) / (Math.exp(1) + Math.exp(2) + Math.exp(3)));
    const want = [[p0[0]! / 2, p0[1]! / 2, (p0[2]! - 1) / 2], [(1 / 3 - 1) / 2, 1 / 6, 1 / 6]];
    (logits.grad!.toArray() as number[][]).forEach((r, i) => r.forEach((g, j) => expect(g).toBeCloseTo(want[i]![j]!, 12)));
  });
});
