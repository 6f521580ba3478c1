// nn's functionals (and pooling layers) refuse options they cannot honour and unknown option keys, by name,
// also through untyped calls (plain JavaScript, a config file): nothing is silently ignored.
import { randn, tensor } from '@adder/autograd';
import { fromArray, ones, zeros } from '@adder/tensor';
import { describe, expect, it } from 'vitest';
import { AvgPool2d, MaxPool2d, NNError, batchNorm, crossEntropy, distillationLoss, klDiv, mseLoss, nllLoss } from '../src/index';

const logits = tensor([[1, 2, 3], [0, 1, 0]], { dtype: 'float64' });
const target = [2, 0];
const bn = (o: object): unknown => batchNorm(randn([2, 3], { dtype: 'float64' }), ones([3], 'float64'), zeros([3], 'float64'), { useBatchStats: true, eps: 1e-5, ...o } as never);

const cases: [string, () => unknown, RegExp][] = [
  ['crossEntropy weight of the wrong size', () => crossEntropy(logits, target, { weight: fromArray([1, 2], 'float64') } as never), /^crossEntropy: weight must have shape \[3\] \(one per class\), got \[2\]$/],
  ['crossEntropy weight as an array', () => crossEntropy(logits, target, { weight: [1, 2, 3] } as never), /^crossEntropy: weight must be a Tensor or NDArray of 3 class weights, got object$/],
  ['nllLoss weight as an array', () => nllLoss(logits.logSoftmax(1), target, { weight: [1, 2, 3] } as never), /^nllLoss: weight must be a Tensor or NDArray of 3 class weights/],
  ['crossEntropy unknown key', () => crossEntropy(logits, target, { label_smoothing: 0.1 } as never), /^crossEntropy: unknown option 'label_smoothing' \(expected one of reduction, weight, ignoreIndex, labelSmoothing\)$/],
  ['crossEntropy bad reduction', () => crossEntropy(logits, target, { reduction: 'batchmean' } as never), /^crossEntropy: reduction must be one of 'mean', 'sum', 'none', got "batchmean"$/],
  ['nllLoss labelSmoothing', () => nllLoss(logits.logSoftmax(1), target, { labelSmoothing: 0.1 } as never), /^nllLoss: unknown option 'labelSmoothing'/],
  ['mseLoss unknown key', () => mseLoss(logits, logits, { reduce: false } as never), /^mseLoss: unknown option 'reduce' \(expected one of reduction\)$/],
  ['klDiv unknown key', () => klDiv(logits.logSoftmax(1), logits.softmax(1), { logTarget: true } as never), /^klDiv: unknown option 'logTarget'/],
  ['klDiv bad reduction', () => klDiv(logits.logSoftmax(1), logits.softmax(1), { reduction: 'avg' } as never), /^klDiv: reduction must be one of 'batchmean', 'sum', 'mean', 'none'/],
  ['distillationLoss unknown key', () => distillationLoss(logits, logits.data, target, { T: 2 } as never), /^distillationLoss: unknown option 'T' \(expected one of alpha, temperature\b/],
  ['batchNorm unknown key', () => bn({ momentum: 0.1 }), /^batchNorm: unknown option 'momentum'/],
  ['MaxPool2d ceilMode not a boolean', () => new MaxPool2d(2, { ceilMode: 'yes' } as never), /^MaxPool2d: ceilMode must be a boolean, got "yes"$/],
  ['MaxPool2d unknown key', () => new MaxPool2d(2, { kernelSize: 3 } as never), /^MaxPool2d: unknown option 'kernelSize'/],
  ['AvgPool2d ceilMode not a boolean', () => new AvgPool2d(2, { ceilMode: 1 } as never), /^AvgPool2d: ceilMode must be a boolean, got 1$/],
  ['AvgPool2d countIncludePad not a boolean', () => new AvgPool2d(2, { countIncludePad: 'no' } as never), /^AvgPool2d: countIncludePad must be a boolean, got "no"$/],
  ['AvgPool2d unknown key', () => new AvgPool2d(2, { divisorOverride: 1 } as never), /^AvgPool2d: unknown option 'divisorOverride'/],
];

describe('nn refuses unsupported and unknown options by name', () => {
  for (const [name, run, message] of cases) {
    it(name, () => {
      expect(run).toThrow(NNError);
      expect(run).toThrow(message);
    });
  }

  it("torch's defaults given explicitly are accepted", () => {
    expect(crossEntropy(logits, target, { weight: null } as never).item()).toBeCloseTo(crossEntropy(logits, target).item(), 15);
    expect(new MaxPool2d(2, { dilation: 1, ceilMode: false }).kernelSize).toEqual([2, 2]);
    // MaxPool2d implements dilation and ceilMode, as torch.nn.MaxPool2d
    const pool = new MaxPool2d(3, { stride: 2, dilation: 2, ceilMode: true });
    expect(pool.toString()).toBe('MaxPool2d(kernel_size=3, stride=2, padding=0, dilation=2, ceil_mode=True)');
    expect(pool.call(randn([1, 1, 8, 8], { dtype: 'float64' })).shape).toEqual([1, 1, 3, 3]); // as torch
    expect(new AvgPool2d(2, { ceilMode: false, countIncludePad: true }).kernelSize).toEqual([2, 2]);
    expect(() => bn({ layer: 'BatchNorm1d' })).not.toThrow();
    expect(() => bn({ mom: 1, layer: 'BatchNorm1d(3)' })).toThrow(/^BatchNorm1d\(3\): unknown option 'mom'/);
  });
});
