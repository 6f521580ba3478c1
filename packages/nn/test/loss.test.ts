// Losses against a naive log-sum-exp formula and PyTorch golden values; top-k accuracy; bad targets.
import { gradcheck, Tensor, tensor } from '@adder/autograd';
import { fromArray } from '@adder/tensor';
import { describe, expect, it } from 'vitest';
import { crossEntropy, mseLoss, nllLoss, topkAccuracy, topkCorrect } from '../src/index';

const X = [
  [1.0, 2.0, 0.5],
  [0.1, -1.0, 3.0],
  [2.0, 2.0, 2.0],
  [0.3, 0.2, -0.4],
];
function naiveCE(x: number[][], t: number[], eps = 0, ignore = -100): number[] {
  return x.map((row, i) => {
    if (t[i] === ignore) return 0;
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
    const nll = lse - row[t[i]!]!;
    const smooth = row.reduce((s, v) => s + (lse - v), 0) / row.length;
    return (1 - eps) * nll + eps * smooth;
  });
}
const f64 = (x: number[][]): Tensor => tensor(x, { dtype: 'float64', requiresGrad: true });

describe('crossEntropy', () => {
  it('mean and sum match the naive formula; targets as int32 array, Tensor or number[]', () => {
    const t = [1, 2, 0, 0];
    const per = naiveCE(X, t);
    const mean = per.reduce((s, v) => s + v, 0) / 4;
    expect(crossEntropy(f64(X), t).item()).toBeCloseTo(mean, 14);
    expect(crossEntropy(f64(X), fromArray(t, 'int32')).item()).toBeCloseTo(mean, 14);
    expect(crossEntropy(f64(X), new Tensor(fromArray(t, 'int32'))).item()).toBeCloseTo(mean, 14);
    expect(crossEntropy(f64(X), t, { reduction: 'sum' }).item()).toBeCloseTo(mean * 4, 13);
    const none = crossEntropy(f64(X), t, { reduction: 'none' }).toArray() as number[];
    none.forEach((v, i) => expect(v).toBeCloseTo(per[i]!, 14));
  });

  it('label smoothing and ignoreIndex match PyTorch (F.cross_entropy golden values)', () => {
    // torch 1.13: F.cross_entropy(X, [1, 2, -100, 0], label_smoothing=0.2) (mean, sum, none)
    expect(crossEntropy(f64(X), [1, 2, -100, 0], { labelSmoothing: 0.2 }).item()).toBeCloseTo(0.6970681218489256, 14);
    expect(crossEntropy(f64(X), [1, 2, -100, 0], { labelSmoothing: 0.2, reduction: 'sum' }).item()).toBeCloseTo(2.091204365546777, 14);
    const none = crossEntropy(f64(X), [1, 2, -100, 0], { labelSmoothing: 0.2, reduction: 'none' }).toArray() as number[];
    [0.6310354507746117, 0.5307742189604914, 0, 0.9293946958116742].forEach((v, i) => expect(none[i]).toBeCloseTo(v, 14));
    // F.cross_entropy(X, [1, 2, 1, 0], ignore_index=2): the mean divides by the 3 targets not ignored
    expect(crossEntropy(f64(X), [1, 2, 1, 0], { ignoreIndex: 2 }).item()).toBeCloseTo(0.8130141450847986, 14);
    const per = naiveCE(X, [1, 2, -100, 0], 0.2);
    expect(crossEntropy(f64(X), [1, 2, -100, 0], { labelSmoothing: 0.2 }).item()).toBeCloseTo((per[0]! + per[1]! + per[3]!) / 3, 14);
  });

  it('is stable for large logits (log-softmax, no overflow)', () => {
    const big = [[1000, 0, -1000], [-1000, 1000, 999]];
    const v = crossEntropy(f64(big), [0, 2]).item();
    expect(v).toBeCloseTo((0 + (1000 + Math.log(1 + Math.exp(-1)) - 999)) / 2, 10);
  });

  it('its gradient passes gradcheck in float64, with smoothing and an ignored target', () => {
    expect(gradcheck((x) => crossEntropy(x, [1, 2, -100, 0], { labelSmoothing: 0.1 }), [f64(X)])).toBe(true);
    expect(gradcheck((x) => crossEntropy(x, [2, 0, 1, 1], { reduction: 'sum' }), [f64(X)])).toBe(true);
  });

  it('bad targets get a clear error', () => {
    expect(() => crossEntropy(f64(X), [1, 3, 0, 0])).toThrow(/crossEntropy: target 3 at index 1 is out of range for 3 classes/);
    expect(() => crossEntropy(f64(X), [1, -1, 0, 0])).toThrow(/target -1 at index 1 is out of range/);
    expect(() => crossEntropy(f64(X), [1, 2])).toThrow(/crossEntropy: expected 4 targets for an input of shape \[4, 3\], got 2/);
    expect(() => crossEntropy(tensor([1, 2, 3]), [0])).toThrow(/crossEntropy: expected input of shape \(N, C\) or \(N, C, d1, \.\.\.\), got \[3\]/);
    expect(() => crossEntropy(f64(X), [0, 0, 0, 0], { labelSmoothing: 1.5 })).toThrow(/labelSmoothing must be in \[0, 1\]/);
  });
});

describe('nllLoss and mseLoss', () => {
  it('nllLoss picks -logp at the target and averages over non-ignored rows', () => {
    const lp = [[-0.5, -1.5], [-2, -0.2], [-0.1, -3]];
    expect(nllLoss(f64(lp), [1, 0, 1], { ignoreIndex: 0 }).item()).toBeCloseTo((1.5 + 3) / 2, 14);
    expect(nllLoss(f64(lp), [1, 0, 1], { reduction: 'sum' }).item()).toBeCloseTo(1.5 + 2 + 3, 14);
    expect(() => nllLoss(f64(lp), [2, 0, 1])).toThrow(/nllLoss: target 2 at index 0 is out of range for 2 classes/);
  });
  it('mseLoss is the mean (or sum) of squared differences', () => {
    const a = f64([[1, 2], [3, 4]]);
    const b = tensor([[0, 2], [5, 1]], { dtype: 'float64' });
    expect(mseLoss(a, b).item()).toBeCloseTo((1 + 0 + 4 + 9) / 4, 14);
    expect(mseLoss(a, b.data, { reduction: 'sum' }).item()).toBeCloseTo(14, 14);
    expect(gradcheck((x) => mseLoss(x, b), [a])).toBe(true);
    expect(() => mseLoss(a, tensor([1, 2]))).toThrow(/mseLoss: input shape \[2, 2\] and target shape \[2\] differ/);
  });
});

describe('top-k accuracy', () => {
  it('counts targets among the k largest scores', () => {
    const s = fromArray([
      [0.1, 0.5, 0.4],
      [0.7, 0.2, 0.1],
      [0.3, 0.3, 0.4],
      [0.2, 0.3, 0.5],
    ]);
    const t = [2, 0, 0, 0];
    expect(topkCorrect(s, t, 1)).toBe(1);
    expect(topkCorrect(s, t, 2)).toBe(3);
    expect(topkAccuracy(s, t, 3)).toBe(1);
    expect(topkAccuracy(new Tensor(s), fromArray(t, 'int32'), 1)).toBe(0.25);
    expect(() => topkAccuracy(s, t, 4)).toThrow(/topkAccuracy: k must be in 1\.\.3, got 4/);
    expect(() => topkCorrect(s, t, 0)).toThrow(/topkCorrect: k must be in 1\.\.3, got 0/);
    expect(() => topkCorrect(s, fromArray([t], 'int32'), 1)).toThrow(/topkCorrect: expected a 1-D target of class indices, got shape \[1, 4\]/);
  });
});
