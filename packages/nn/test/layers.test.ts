// Each layer's forward against a naive loop, its backward by gradcheck in float64 (via to('float64')), and bad input.
import { gradcheck, Tensor, tensor } from '@adder/autograd';
import { Generator, randn as ndRandn, type NDArray } from '@adder/tensor';
import { describe, expect, it } from 'vitest';
import { makeTensor } from '@adder/autograd/testing';
import { AdaptiveAvgPool2d, AdaptiveMaxPool2d, AvgPool2d, MaxPool2d, BatchNorm1d, BatchNorm2d, Conv2d, Dropout, Flatten, Identity, Linear, ReLU, Sequential, type Module } from '../src/index';
import { maxAbsDiff, naiveConv2d, naiveLinear, naivePool2d } from './helpers/naive';

function input(shape: number[], seed: number, dtype: 'float32' | 'float64' = 'float32'): Tensor {
  return new Tensor(ndRandn(shape, { dtype, generator: new Generator(seed) }), true);
}
function nested(a: NDArray | Tensor): unknown {
  return (a instanceof Tensor ? a.data : a).toArray();
}
/** gradcheck of the module's output w.r.t. its input and every parameter, all in float64. */
function gradcheckModule(m: Module, shape: number[], seed: number): boolean {
  m.to('float64');
  const names = [...m.namedParameters()].map(([k]) => k);
  const x = input(shape, seed, 'float64');
  const params = [...m.parameters()];
  return gradcheck((xx, ...ps) => m.functionalCall(Object.fromEntries(names.map((k, i) => [k, ps[i]!])), xx), [x, ...params]);
}

describe('Conv2d', () => {
  const configs = [
    { cin: 3, cout: 4, k: 3, stride: 1, padding: 1, dilation: 1, bias: true, hw: [5, 6] },
    { cin: 2, cout: 3, k: 3, stride: 2, padding: 0, dilation: 1, bias: false, hw: [7, 7] },
    { cin: 2, cout: 2, k: 2, stride: 1, padding: 2, dilation: 2, bias: true, hw: [4, 5] },
    { cin: 4, cout: 2, k: 1, stride: 2, padding: 0, dilation: 1, bias: false, hw: [6, 6] },
  ];
  for (const c of configs) {
    it(`forward matches the naive loop: ${JSON.stringify(c)}`, () => {
      const conv = new Conv2d(c.cin, c.cout, c.k, { stride: c.stride, padding: c.padding, dilation: c.dilation, bias: c.bias, generator: new Generator(1) });
      const x = input([2, c.cin, ...c.hw], 2);
      const y = conv.call(x);
      const want = naiveConv2d(
        nested(x) as number[][][][],
        nested(conv.weight) as number[][][][],
        conv.bias ? (nested(conv.bias) as number[]) : null,
        [c.stride, c.stride],
        [c.padding, c.padding],
        [c.dilation, c.dilation],
      );
      expect(maxAbsDiff(y.toArray(), want)).toBeLessThan(1e-5);
    });
  }

  it('backward passes gradcheck in float64 (input, weight and bias)', () => {
    expect(gradcheckModule(new Conv2d(2, 3, 3, { stride: 2, padding: 1, generator: new Generator(3) }), [2, 2, 5, 4], 4)).toBe(true);
    expect(gradcheckModule(new Conv2d(2, 2, 2, { dilation: 2, bias: false, generator: new Generator(5) }), [1, 2, 4, 4], 6)).toBe(true);
  });

  it('default init is U(+-1/sqrt(fan_in)) and the same seed gives the same weights', () => {
    const a = new Conv2d(16, 32, 3, { generator: new Generator(7) });
    const b = new Conv2d(16, 32, 3, { generator: new Generator(7) });
    expect(Array.from(a.weight.data.toTyped())).toEqual(Array.from(b.weight.data.toTyped()));
    const bound = 1 / Math.sqrt(16 * 9);
    for (const v of [...a.weight.data.toTyped(), ...a.bias!.data.toTyped()]) expect(Math.abs(v)).toBeLessThanOrEqual(bound);
  });

  it('wrong rank or channel count names the layer', () => {
    const net = new Sequential(new Conv2d(3, 4, 3));
    expect(() => net.call(input([2, 3, 5], 1))).toThrow(/Conv2d '0': expected a 4-D input \(N, C, H, W\), got shape \[2, 3, 5\]/);
    expect(() => net.call(input([2, 2, 5, 5], 1))).toThrow(/Conv2d '0': expected 3 channels at dim 1, got shape \[2, 2, 5, 5\]/);
    expect(() => new Conv2d(3, 4, 0)).toThrow(/^Conv2d: expected positive integer sizes, got a weight of shape \[4, 3, 0, 0\]/);
    expect(() => new Linear(2.5, 3)).toThrow(/^Linear: expected positive integer sizes, got a weight of shape \[3, 2\.5\]/);
    expect(() => new Conv2d(3, 4, [3, 3, 3])).toThrow(/Conv2d kernelSize: expected a number or \[h, w\], got \[3, 3, 3\]/);
    expect(() => new MaxPool2d(2, { stride: [] })).toThrow(/MaxPool2d stride: expected a number or \[h, w\], got \[\]/);
  });
});

describe('Linear', () => {
  it('forward matches the naive loop, with and without bias, 2-D and 3-D input', () => {
    for (const bias of [true, false]) {
      const lin = new Linear(5, 3, { bias, generator: new Generator(8) });
      const x = input([4, 5], 9);
      const want = naiveLinear(nested(x) as number[][], nested(lin.weight) as number[][], bias ? (nested(lin.bias!) as number[]) : null);
      expect(maxAbsDiff(lin.call(x).toArray(), want)).toBeLessThan(1e-5);
      const x3 = x.reshape([2, 2, 5]);
      expect(lin.call(x3).shape).toEqual([2, 2, 3]);
      expect(maxAbsDiff(lin.call(x3).reshape([4, 3]).toArray(), want)).toBeLessThan(1e-5);
    }
  });
  it('backward passes gradcheck in float64', () => {
    expect(gradcheckModule(new Linear(4, 3, { generator: new Generator(10) }), [3, 4], 11)).toBe(true);
    expect(gradcheckModule(new Linear(3, 2, { bias: false, generator: new Generator(12) }), [2, 2, 3], 13)).toBe(true);
  });
  it('wrong feature count names the layer', () => {
    expect(() => new Linear(4, 2).call(input([3, 5], 1))).toThrow(/Linear: expected an input \(\.\.\., 4\), got shape \[3, 5\]/);
  });
});

describe('parameter-free layers', () => {
  it('ReLU, Flatten, Identity and AdaptiveAvgPool2d forward match naive computations', () => {
    const x = input([2, 3, 2, 2], 14);
    const xs = nested(x) as number[][][][];
    expect(new ReLU().call(x).toArray()).toEqual(xs.map((a) => a.map((b) => b.map((c) => c.map((v) => Math.max(v, 0))))));
    expect(new Flatten().call(x).toArray()).toEqual(xs.map((a) => a.flat(2)));
    expect(new Identity().call(x)).toBe(x);
    const pooled = new AdaptiveAvgPool2d(1).call(x);
    expect(pooled.shape).toEqual([2, 3, 1, 1]);
    const want = xs.map((a) => a.map((plane) => [[plane.flat().reduce((s, v) => s + v, 0) / 4]]));
    expect(maxAbsDiff(pooled.toArray(), want)).toBeLessThan(1e-6);
    expect(() => new AdaptiveAvgPool2d(1).call(input([2, 3], 1))).toThrow(/AdaptiveAvgPool2d: expected a 4-D input/);
  });
  it('their backward passes gradcheck in float64', () => {
    // inputs kept away from ReLU's kink at 0
    const xr = new Tensor(tensor([[0.5, -0.3], [-1.2, 0.8]], { dtype: 'float64' }).data, true);
    expect(gradcheck((x) => new ReLU().call(x), [xr])).toBe(true);
    expect(gradcheckModule(new Flatten(), [2, 3, 2], 15)).toBe(true);
    expect(gradcheckModule(new AdaptiveAvgPool2d(1), [2, 2, 3, 3], 16)).toBe(true);
    expect(gradcheckModule(new Sequential(new Conv2d(2, 2, 1, { generator: new Generator(17) }), new Flatten(), new Linear(8, 2, { generator: new Generator(18) })), [2, 2, 2, 2], 19)).toBe(true);
  });
});

describe('MaxPool2d and AvgPool2d', () => {
  const configs = [
    { k: 2, s: 2, p: 0, hw: [4, 6] },
    { k: 3, s: 1, p: 1, hw: [4, 5] },
    { k: 3, s: 2, p: 1, hw: [5, 5] },
  ];
  for (const c of configs) {
    it(`forward matches the naive loop: ${JSON.stringify(c)}`, () => {
      const x = input([2, 2, ...c.hw], 30);
      const args = [[c.k, c.k], [c.s, c.s], [c.p, c.p]] as const;
      const mp = new MaxPool2d(c.k, { stride: c.s, padding: c.p }).call(x);
      expect(maxAbsDiff(mp.toArray(), naivePool2d(nested(x) as number[][][][], 'max', [...args[0]], [...args[1]], [...args[2]]))).toBe(0);
      const ap = new AvgPool2d(c.k, { stride: c.s, padding: c.p }).call(x);
      expect(maxAbsDiff(ap.toArray(), naivePool2d(nested(x) as number[][][][], 'avg', [...args[0]], [...args[1]], [...args[2]]))).toBeLessThan(1e-6);
    });
  }
  it('stride defaults to the kernel size; backward passes gradcheck in float64', () => {
    expect(new MaxPool2d(2).call(input([1, 1, 4, 4], 31)).shape).toEqual([1, 1, 2, 2]);
    // distinct values so that no window has a tie (max is not differentiable there)
    const xm = makeTensor([2, 2, 4, 4], 'contiguous', 32, { distinct: true, gap: 0.01 });
    expect(gradcheck((x) => new MaxPool2d(3, { stride: 1, padding: 1 }).call(x), [xm])).toBe(true);
    expect(gradcheckModule(new AvgPool2d(2, { stride: 1, padding: 1 }), [2, 2, 3, 3], 33)).toBe(true);
  });
  it('wrong rank names the layer', () => {
    expect(() => new Sequential(new MaxPool2d(2)).call(input([2, 4, 4], 1))).toThrow(/MaxPool2d '0': expected a 4-D input \(N, C, H, W\), got shape \[2, 4, 4\]/);
    expect(() => new AvgPool2d(2).call(input([4, 4], 1))).toThrow(/AvgPool2d: expected a 4-D input/);
  });
});

describe('Dropout', () => {
  it('zeroes about p of the entries and scales the rest by 1/(1-p), reproducibly for a seed', () => {
    const x = new Tensor(ndRandn([4000], { generator: new Generator(20) }).cast('float64'));
    const y1 = new Dropout(0.25, { generator: new Generator(21) }).call(x).data.toTyped();
    const y2 = new Dropout(0.25, { generator: new Generator(21) }).call(x).data.toTyped();
    expect(Array.from(y1)).toEqual(Array.from(y2));
    const xd = x.data.toTyped();
    let zeros = 0;
    for (let i = 0; i < xd.length; i++) {
      if (y1[i] === 0) zeros++;
      else expect(y1[i]).toBeCloseTo(xd[i]! / 0.75, 12);
    }
    expect(zeros / xd.length).toBeGreaterThan(0.22);
    expect(zeros / xd.length).toBeLessThan(0.28);
  });
  it('is the identity in eval and its gradient is the same mask', () => {
    const d = new Dropout(0.5, { generator: new Generator(22) });
    const x = input([3, 4], 23, 'float64');
    expect(d.eval().call(x)).toBe(x);
    d.train();
    const y = d.call(x);
    y.sum().backward();
    const yd = y.data.toTyped();
    const xd = x.data.toTyped();
    const gd = x.grad!.data.toTyped();
    for (let i = 0; i < yd.length; i++) {
      expect(gd[i]).toBeCloseTo(yd[i]! === 0 ? 0 : 2, 12);
      if (yd[i] !== 0) expect(yd[i]).toBeCloseTo(2 * xd[i]!, 12);
    }
    expect(() => new Dropout(1.5)).toThrow(/Dropout: dropout probability must be in \[0, 1\], got 1.5/);
  });
});

describe('BatchNorm layers: gradcheck and bad input', () => {
  it('BatchNorm2d and BatchNorm1d pass gradcheck in float64 in training and eval', () => {
    for (const training of [true, false]) {
      const bn2 = new BatchNorm2d(3);
      bn2.getParameter('weight').data.data.set([1.5, 0.5, 1]);
      bn2.train(training);
      expect(gradcheckModule(bn2, [2, 3, 2, 2], 24)).toBe(true);
      const bn1 = new BatchNorm1d(2);
      bn1.train(training);
      expect(gradcheckModule(bn1, [4, 2], 25)).toBe(true);
      expect(gradcheckModule(bn1, [2, 2, 3], 26)).toBe(true);
    }
    const plain = new BatchNorm2d(2, { affine: false, trackRunningStats: false });
    expect(gradcheckModule(plain, [2, 2, 2, 1], 27)).toBe(true);
  });
  it('wrong rank or channels names the layer', () => {
    const m = new Sequential(new Identity(), new BatchNorm2d(4));
    expect(() => m.call(input([2, 4, 3], 1))).toThrow(/BatchNorm2d '1': expected a 4-D input \(N, C, H, W\), got shape \[2, 4, 3\]/);
    expect(() => m.call(input([2, 3, 2, 2], 1))).toThrow(/BatchNorm2d '1': expected 4 channels at dim 1/);
    expect(() => new BatchNorm1d(3).call(input([2, 3, 2, 2], 1))).toThrow(/BatchNorm1d: expected a 2-D or 3-D input \(N, C\) or \(N, C, L\)/);
  });
});

describe("the pooling layers' new options (values: autograd's pool tests and pnpm parity)", () => {
  it('AvgPool2d, AdaptiveAvgPool2d, AdaptiveMaxPool2d and grouped Conv2d have torch shapes and reprs', () => {
    const x = makeTensor([2, 4, 7, 5], 'permuted', 3, {}, false);
    const avg = new AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false });
    expect(avg.call(x).shape).toEqual([2, 4, 4, 3]);
    expect(avg.toString()).toBe('AvgPool2d(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)');
    expect(new AdaptiveAvgPool2d([3, null]).call(x).shape).toEqual([2, 4, 3, 5]);
    expect(new AdaptiveAvgPool2d([3, null]).toString()).toBe('AdaptiveAvgPool2d(output_size=(3, None))');
    expect(new AdaptiveMaxPool2d(2).call(x).shape).toEqual([2, 4, 2, 2]);
    expect(new AdaptiveMaxPool2d(2).toString()).toBe('AdaptiveMaxPool2d(output_size=2)');
    expect(() => new AdaptiveMaxPool2d(0)).toThrow(/^AdaptiveMaxPool2d: outputSize must be an integer >= 1/);
    const conv = new Conv2d(4, 6, 3, { groups: 2, dilation: 2, padding: 2 });
    expect(conv.weight.data.shape).toEqual([6, 2, 3, 3]);
    expect(conv.call(x.cast('float32')).shape).toEqual([2, 6, 7, 5]);
    expect(conv.toString()).toBe('Conv2d(4, 6, kernel_size=(3, 3), stride=(1, 1), padding=(2, 2), dilation=(2, 2), groups=2)');
    expect(() => new Conv2d(4, 6, 3, { groups: 3 })).toThrow(/^Conv2d: groups 3 must be a positive integer dividing inChannels 4 and outChannels 6$/);
  });
});
