// gather/indexSelect pass gradcheck and route a cross-entropy's gradient to its targets.
import { describe, expect, it } from 'vitest';
import { tensor } from '@adder/autograd';
import { cases } from './indexing.cases';

describe('indexing Functions pass gradcheck', () => {
  for (const [name, c] of Object.entries(cases)) it(name, () => c.check());
});

describe('indexing behaviours', () => {
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
