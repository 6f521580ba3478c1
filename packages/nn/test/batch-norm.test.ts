// BatchNorm against hand-computed small cases: batch statistics, running statistics over several steps, eval, options.
import { Tensor, tensor } from '@adder/autograd';
import { describe, expect, it } from 'vitest';
import { BatchNorm1d, BatchNorm2d, Identity, Sequential, recalibrateBatchNorm } from '../src/index';
import { channelStats, maxAbsDiff, naiveBatchNorm } from './helpers/naive';
import { cases } from './batch-norm.cases';

function t(data: number[][]): Tensor {
  return tensor(data, { dtype: 'float64' });
}
function values(a: { toTyped(): ArrayLike<number> } | null): number[] {
  return Array.from(a!.toTyped());
}

describe('BatchNorm1d by hand (C = 2)', () => {
  // x = [[1, 2], [3, 6]]: channel 0 has mean 2, biased var 1, unbiased 2; channel 1 mean 4, biased 4, unbiased 8
  it('training normalises with the biased variance and updates running stats with the unbiased one', () => {
    const bn = new BatchNorm1d(2).to('float64');
    const y = bn.call(t([[1, 2], [3, 6]]));
    const e = 1e-5;
    const want = [[-1 / Math.sqrt(1 + e), -2 / Math.sqrt(4 + e)], [1 / Math.sqrt(1 + e), 2 / Math.sqrt(4 + e)]];
    expect(maxAbsDiff(y.toArray(), want)).toBeLessThan(1e-14);
    expect(values(bn.runningMean)).toEqual([0.2, 0.4].map((v) => expect.closeTo(v, 14)));
    expect(values(bn.runningVar)).toEqual([0.9 + 0.2, 0.9 + 0.8].map((v) => expect.closeTo(v, 14)));
    expect(bn.numBatchesTracked).toBe(1);
    // step 2, same batch: rm = 0.9*[0.2, 0.4] + 0.1*[2, 4]; rv = 0.9*[1.1, 1.7] + 0.1*[2, 8]
    bn.call(t([[1, 2], [3, 6]]));
    expect(values(bn.runningMean)).toEqual([0.38, 0.76].map((v) => expect.closeTo(v, 14)));
    expect(values(bn.runningVar)).toEqual([1.19, 2.33].map((v) => expect.closeTo(v, 14)));
    // step 3, x = [[0, 0], [0, 4]]: means [0, 2], unbiased vars [0, 8]
    bn.call(t([[0, 0], [0, 4]]));
    expect(values(bn.runningMean)).toEqual([0.342, 0.884].map((v) => expect.closeTo(v, 14)));
    expect(values(bn.runningVar)).toEqual([1.071, 2.897].map((v) => expect.closeTo(v, 14)));
    expect(bn.numBatchesTracked).toBe(3);
    expect(bn.stateDict().num_batches_tracked!.item()).toBe(3);
    // eval uses the running statistics and leaves them alone, even for a batch of one
    bn.eval();
    const ye = bn.call(t([[1, 2]]));
    expect(maxAbsDiff(ye.toArray(), [[(1 - 0.342) / Math.sqrt(1.071 + e), (2 - 0.884) / Math.sqrt(2.897 + e)]])).toBeLessThan(1e-13);
    expect(bn.numBatchesTracked).toBe(3);
    expect(values(bn.runningMean)).toEqual([0.342, 0.884].map((v) => expect.closeTo(v, 14)));
  });

  it('weight and bias scale and shift the normalised value', () => {
    const bn = new BatchNorm1d(2).to('float64');
    bn.weight!.data.data.set([2, -1]);
    bn.bias!.data.data.set([0.5, 3]);
    const y = bn.call(t([[1, 2], [3, 6]]));
    const e = 1e-5;
    expect(maxAbsDiff(y.toArray(), [[0.5 - 2 / Math.sqrt(1 + e), 3 + 2 / Math.sqrt(4 + e)], [0.5 + 2 / Math.sqrt(1 + e), 3 - 2 / Math.sqrt(4 + e)]])).toBeLessThan(1e-14);
  });

  it('momentum null is a cumulative average (factor 1/numBatchesTracked)', () => {
    const bn = new BatchNorm1d(2, { momentum: null }).to('float64');
    bn.call(t([[1, 2], [3, 6]]));
    expect(values(bn.runningMean)).toEqual([2, 4]);
    expect(values(bn.runningVar)).toEqual([2, 8]);
    bn.call(t([[0, 0], [0, 4]]));
    expect(values(bn.runningMean)).toEqual([1, 3]);
    expect(values(bn.runningVar)).toEqual([1, 8]);
  });

  it('one value per channel in training throws (naming the layer) and changes nothing', () => {
    const bn = new BatchNorm1d(2);
    expect(() => bn.call(tensor([[1, 2]]))).toThrow(/BatchNorm1d: expected more than 1 value per channel when training, got input of shape \[1, 2\]/);
    expect(bn.numBatchesTracked).toBe(0);
    expect(() => new BatchNorm2d(3).call(tensor([[[[1]], [[2]], [[3]]]]))).toThrow(/more than 1 value per channel/);
    expect(() => new BatchNorm1d(2, { trackRunningStats: false }).eval().call(tensor([[1, 2]]))).toThrow(/more than 1 value per channel/);
    expect(new BatchNorm1d(2).eval().call(tensor([[1, 2]])).shape).toEqual([1, 2]);
  });

  it('without trackRunningStats it has no buffers and uses batch statistics in eval too', () => {
    const bn = new BatchNorm1d(2, { trackRunningStats: false }).to('float64');
    expect(Object.keys(bn.stateDict())).toEqual(['weight', 'bias']);
    bn.eval();
    const y = bn.call(t([[1, 2], [3, 6]]));
    expect(maxAbsDiff(y.toArray(), [[-1 / Math.sqrt(1 + 1e-5), -2 / Math.sqrt(4 + 1e-5)], [1 / Math.sqrt(1 + 1e-5), 2 / Math.sqrt(4 + 1e-5)]])).toBeLessThan(1e-14);
  });

  it('without affine it has no parameters', () => {
    const bn = new BatchNorm2d(3, { affine: false });
    expect([...bn.parameters()].length).toBe(0);
    expect(Object.keys(bn.stateDict())).toEqual(['running_mean', 'running_var', 'num_batches_tracked']);
  });
});

describe('BatchNorm2d against the naive per-channel formula', () => {
  it('training and eval over (N, C, H, W), custom eps and momentum', () => {
    const xs = [
      [[[0.5, -1], [2, 0.25]], [[1, 1.5], [-0.5, 3]]],
      [[[1.5, 0], [-2, 0.75]], [[0, 2.5], [0.5, -1]]],
    ];
    const bn = new BatchNorm2d(2, { eps: 1e-3, momentum: 0.3 }).to('float64');
    bn.weight!.data.data.set([1.5, 0.5]);
    bn.bias!.data.data.set([-1, 2]);
    const y = bn.call(tensor(xs, { dtype: 'float64' }));
    const flat = xs.map((planes) => planes.map((p) => p.flat()));
    const st = channelStats(flat);
    const want = naiveBatchNorm(flat, st.mean, st.biased, [1.5, 0.5], [-1, 2], 1e-3);
    expect(maxAbsDiff(y.reshape([2, 2, 4]).toArray(), want)).toBeLessThan(1e-13);
    const rm = st.mean.map((m) => 0.3 * m);
    const rv = st.unbiased.map((v) => 0.7 + 0.3 * v);
    expect(maxAbsDiff(values(bn.runningMean), rm)).toBeLessThan(1e-15);
    expect(maxAbsDiff(values(bn.runningVar), rv)).toBeLessThan(1e-15);
    bn.eval();
    const ye = bn.call(tensor(xs, { dtype: 'float64' }));
    expect(maxAbsDiff(ye.reshape([2, 2, 4]).toArray(), naiveBatchNorm(flat, rm, rv, [1.5, 0.5], [-1, 2], 1e-3))).toBeLessThan(1e-13);
  });
});

describe('recalibrateBatchNorm', () => {
  it('replaces the running stats by the plain average over the inputs, then restores momentum and mode', () => {
    // by hand: batch 1 [[1, 2], [3, 6]] has means [2, 4], unbiased vars [2, 8]; batch 2 [[0, 0], [0, 4]] has [0, 2], [0, 8]
    const bn = new BatchNorm1d(2, { momentum: 0.3 }).to('float64');
    const frozen = new BatchNorm1d(2, { trackRunningStats: false }).to('float64');
    const model = new Sequential(bn, new Identity(), frozen);
    bn.call(t([[10, 20], [30, 60]])); // stale statistics that must be forgotten
    model.eval();
    expect(recalibrateBatchNorm(model, [t([[1, 2], [3, 6]]), t([[0, 0], [0, 4]])])).toBe(2);
    expect(values(bn.runningMean)).toEqual([1, 3]);
    expect(values(bn.runningVar)).toEqual([1, 8]);
    expect(bn.numBatchesTracked).toBe(2);
    expect(bn.momentum).toBe(0.3);
    expect(model.training).toBe(false);
    expect(bn.training).toBe(false);
  });
});

describe('the batchNorm Function passes gradcheck', () => {
  for (const [name, c] of Object.entries(cases)) it(name, () => c.check());
});
