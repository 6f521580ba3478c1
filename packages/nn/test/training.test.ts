// End to end: modules, loss and optimisers together; frozen parameters; gradient clipping by global norm.
import { Tensor } from '@adder/autograd';
import { Generator, fromArray, randn } from '@adder/tensor';
import { describe, expect, it } from 'vitest';
import { AdaptiveAvgPool2d, BatchNorm2d, Conv2d, CosineAnnealingLR, Flatten, Linear, ReLU, SGD, AdamW, Sequential, clipGradNorm, crossEntropy, type OptimParam } from '../src/index';

function model(seed: number): Sequential {
  const g = new Generator(seed);
  return new Sequential(new Conv2d(1, 4, 3, { padding: 1, generator: g }), new BatchNorm2d(4), new ReLU(), new AdaptiveAvgPool2d(1), new Flatten(), new Linear(4, 2, { generator: g }));
}
// class 1 images are brighter on average than class 0 images
function batch(seed: number): { x: Tensor; y: number[] } {
  const g = new Generator(seed);
  const x = randn([8, 1, 4, 4], { generator: g });
  const y = [0, 1, 0, 1, 0, 1, 0, 1];
  const d = x.data;
  for (let i = 0; i < 8; i++) for (let j = 0; j < 16; j++) d[i * 16 + j] = d[i * 16 + j]! * 0.5 + (y[i] === 1 ? 1 : -1);
  return { x: new Tensor(x), y };
}

describe('training end to end', () => {
  for (const kind of ['SGD', 'AdamW'] as const) {
    it(`${kind} drives the cross-entropy of a small conv net down`, () => {
      const net = model(1);
      const opt = kind === 'SGD' ? new SGD(net.parameters(), { lr: 0.1, momentum: 0.9, weightDecay: 5e-4 }) : new AdamW(net.parameters(), { lr: 0.02 });
      const sched = new CosineAnnealingLR(opt, 40);
      const losses: number[] = [];
      for (let step = 0; step < 40; step++) {
        const { x, y } = batch(step);
        opt.zeroGrad();
        const loss = crossEntropy(net.call(x), y);
        loss.backward();
        opt.step();
        sched.step();
        losses.push(loss.item());
      }
      const first = losses.slice(0, 5).reduce((a, b) => a + b) / 5;
      const last = losses.slice(-5).reduce((a, b) => a + b) / 5;
      expect(last).toBeLessThan(first * 0.5);
      expect((net.at(1) as BatchNorm2d).numBatchesTracked).toBe(40);
    });
  }

  it('a frozen parameter gets no gradient and the optimiser leaves it alone', () => {
    const net = model(2);
    const conv = net.at(0) as Conv2d;
    conv.weight.requiresGrad = false;
    const before = Array.from(conv.weight.data.toTyped());
    const opt = new SGD(net.parameters(), { lr: 0.5, momentum: 0.9 });
    const { x, y } = batch(3);
    crossEntropy(net.call(x), y).backward();
    expect(conv.weight.grad).toBeNull();
    expect(conv.bias!.grad).not.toBeNull();
    opt.step();
    expect(Array.from(conv.weight.data.toTyped())).toEqual(before);
    expect(net.numParameters(true)).toBe(net.numParameters() - 36);
  });
});

describe('clipGradNorm', () => {
  const param = (g: number[]): OptimParam => ({ data: fromArray(g.map(() => 0), 'float64'), grad: { data: fromArray(g, 'float64') }, requiresGrad: true });
  it('scales all gradients by maxNorm / total when the global L2 norm exceeds it', () => {
    const a = param([3, 4]);
    const b = param([12]);
    const none: OptimParam = { data: fromArray([1]), grad: null, requiresGrad: true };
    expect(clipGradNorm([a, b, none], 6.5)).toBeCloseTo(13, 14);
    const k = 6.5 / (13 + 1e-6);
    expect(Array.from(a.grad!.data.toTyped())).toEqual([3 * k, 4 * k]);
    expect(Array.from(b.grad!.data.toTyped())).toEqual([12 * k]);
  });
  it('leaves gradients alone below the threshold; supports the max norm', () => {
    const a = param([3, -4]);
    expect(clipGradNorm([a], 10)).toBeCloseTo(5, 14);
    expect(Array.from(a.grad!.data.toTyped())).toEqual([3, -4]);
    expect(clipGradNorm([a], 2, Infinity)).toBe(4);
    expect(Array.from(a.grad!.data.toTyped())).toEqual([3 * (2 / (4 + 1e-6)), -4 * (2 / (4 + 1e-6))]);
    expect(() => clipGradNorm([a], -1)).toThrow(/clipGradNorm: expected maxNorm >= 0, got -1/);
  });
});
