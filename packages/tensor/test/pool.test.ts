// Pooling against naive loops: max (values and argmax indices) and average with padding, adaptive 1x1, backwards.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  TensorError, adaptiveAvgPool2d1, adaptiveAvgPool2d1Backward, avgPool2d, avgPool2dBackward, fromArray, maxPool2d,
  maxPool2dBackward, zeros,
} from '../src/index';
import { seededValues } from './conv-configs';
import { LAYOUTS, withLayout } from './layouts';
import { convOutSize, maxAbsDiff, naiveAvgPool2d, naiveMaxPool2d } from './naive-kernels';

const pair = (min: number, max: number) => fc.tuple(fc.integer({ min, max }), fc.integer({ min, max }));

/** Valid pooling configs: padding at most half the kernel (PyTorch's rule) and at least one output. */
const poolCase = fc
  .record({
    n: fc.integer({ min: 1, max: 2 }), c: fc.integer({ min: 1, max: 3 }),
    h: fc.integer({ min: 1, max: 8 }), w: fc.integer({ min: 1, max: 8 }),
    k: pair(1, 4), s: fc.option(pair(1, 3), { nil: undefined }), p: pair(0, 2),
    seed: fc.integer(), layout: fc.constantFrom(...LAYOUTS),
    // small integer values make ties common, which exercises the first-maximum rule
    ties: fc.boolean(),
  })
  .filter((c) => 2 * c.p[0] <= c.k[0] && 2 * c.p[1] <= c.k[1])
  .filter((c) => convOutSize(c.h, c.k[0], (c.s ?? c.k)[0], c.p[0], 1) >= 1 && convOutSize(c.w, c.k[1], (c.s ?? c.k)[1], c.p[1], 1) >= 1);

function dataOf(c: { n: number; c: number; h: number; w: number; seed: number; ties: boolean }): number[] {
  const v = seededValues(c.seed, c.n * c.c * c.h * c.w);
  return c.ties ? v.map((x) => Math.round(x * 2)) : v;
}

describe('maxPool2d', () => {
  it('values and argmax indices match the naive loop; stride defaults to the kernel', () => {
    fc.assert(
      fc.property(poolCase, (c) => {
        const shape = [c.n, c.c, c.h, c.w];
        const data = dataOf(c);
        const x = withLayout(data, shape, 'float64', c.layout);
        const { values, indices } = maxPool2d(x, { kernelSize: c.k, stride: c.s, padding: c.p });
        const ref = naiveMaxPool2d({ shape, data }, c.k, c.s ?? c.k, c.p);
        expect(values.shape).toEqual(ref.values.shape);
        expect(indices.dtype).toBe('int32');
        expect(Array.from(values.toTyped())).toEqual(ref.values.data);
        expect(Array.from(indices.toTyped())).toEqual(ref.indices);
      }),
      { numRuns: 100 },
    );
  });

  it('backward adds each gradient at its argmax (overlapping windows accumulate)', () => {
    fc.assert(
      fc.property(poolCase, (c) => {
        const shape = [c.n, c.c, c.h, c.w];
        const data = dataOf(c);
        const { values, indices } = maxPool2d(fromArray(Float64Array.from(data), shape), { kernelSize: c.k, stride: c.s, padding: c.p });
        const gd = seededValues(c.seed + 1, values.size);
        const gx = maxPool2dBackward(fromArray(Float64Array.from(gd), [...values.shape]), indices, shape);
        const want = new Array<number>(data.length).fill(0);
        const plane = c.h * c.w;
        const perPlane = values.shape[2]! * values.shape[3]!;
        const idx = indices.toTyped();
        for (let k = 0; k < gd.length; k++) want[Math.floor(k / perPlane) * plane + idx[k]!]! += gd[k]!;
        expect(gx.shape).toEqual(shape);
        expect(maxAbsDiff(gx.toTyped(), want)).toBe(0);
      }),
      { numRuns: 50 },
    );
  });

  it('hand-computed: 4x4, kernel 2, with a tie and a padded corner', () => {
    const x = fromArray([[[[1, 5, 2, 0], [3, 5, 1, 1], [0, 0, 9, 8], [7, 0, 8, 9]]]]);
    const r = maxPool2d(x, { kernelSize: 2 });
    expect(r.values.toArray()).toEqual([[[[5, 2], [7, 9]]]]);
    // 5 appears twice in the first window: the first (index 1) wins
    expect(r.indices.toArray()).toEqual([[[[1, 2], [12, 10]]]]);
    const p = maxPool2d(fromArray([[[[-3, -1], [-2, -4]]]]), { kernelSize: 2, stride: 1, padding: 1 });
    // padding is -inf, so the all-negative corners keep their own values
    expect(p.values.toArray()).toEqual([[[[-3, -1, -1], [-2, -1, -1], [-2, -2, -4]]]]);
    expect(p.indices.toArray()).toEqual([[[[0, 1, 1], [2, 1, 1], [2, 2, 3]]]]);
  });

  it('takes NaN as the maximum, as PyTorch does', () => {
    const r = maxPool2d(fromArray([[[[1, NaN], [3, 2]]]]), { kernelSize: 2 });
    expect(Number.isNaN(r.values.item())).toBe(true);
    expect(r.indices.item()).toBe(1);
  });

  it('rejects too much padding, a kernel larger than the padded input, a zero stride and a wrong rank', () => {
    const x = zeros([1, 1, 4, 4]);
    expect(() => maxPool2d(x, { kernelSize: 2, padding: 2 })).toThrow(/maxPool2d: padding \[2, 2\] must be at most half of the kernel size \[2, 2\]/);
    expect(() => maxPool2d(x, { kernelSize: 5 })).toThrow(/maxPool2d: kernel \[5, 5\].*larger than the padded input \[4, 4\]/);
    expect(() => maxPool2d(x, { kernelSize: 2, stride: 0 })).toThrow(/maxPool2d: stride must be an integer >= 1/);
    expect(() => maxPool2d(zeros([4, 4]), { kernelSize: 2 })).toThrow(TensorError);
    expect(() => maxPool2dBackward(zeros([1, 1, 2, 2]), zeros([1, 1, 2, 2], 'float32'), [1, 1, 4, 4])).toThrow(/maxPool2dBackward/);
  });
});

describe('avgPool2d', () => {
  it('matches the naive loop with count_include_pad=true', () => {
    fc.assert(
      fc.property(poolCase, (c) => {
        const shape = [c.n, c.c, c.h, c.w];
        const data = dataOf(c);
        const y = avgPool2d(withLayout(data, shape, 'float64', c.layout), { kernelSize: c.k, stride: c.s, padding: c.p });
        const ref = naiveAvgPool2d({ shape, data }, c.k, c.s ?? c.k, c.p);
        expect(y.shape).toEqual(ref.shape);
        expect(maxAbsDiff(y.toTyped(), ref.data)).toBeLessThan(1e-14);
      }),
      { numRuns: 100 },
    );
  });

  it('backward is the adjoint of the forward: <avgPool(x), g> = <x, avgPoolBackward(g)>', () => {
    fc.assert(
      fc.property(poolCase, (c) => {
        const shape = [c.n, c.c, c.h, c.w];
        const data = dataOf(c);
        const opts = { kernelSize: c.k, stride: c.s, padding: c.p };
        const y = avgPool2d(fromArray(Float64Array.from(data), shape), opts);
        const gd = seededValues(c.seed + 5, y.size);
        const gx = avgPool2dBackward(withLayout(gd, [...y.shape], 'float64', c.layout), shape, opts).toTyped();
        const yd = y.toTyped();
        let lhs = 0;
        let rhs = 0;
        for (let i = 0; i < gd.length; i++) lhs += yd[i]! * gd[i]!;
        for (let i = 0; i < data.length; i++) rhs += data[i]! * gx[i]!;
        expect(Math.abs(lhs - rhs)).toBeLessThan(1e-12);
      }),
      { numRuns: 50 },
    );
  });

  it('hand-computed: a padded 2x2 image divides by the full window', () => {
    const y = avgPool2d(fromArray([[[[4, 8], [12, 16]]]]), { kernelSize: 2, stride: 1, padding: 1 });
    expect(y.toArray()).toEqual([[[[1, 3, 2], [4, 10, 6], [3, 7, 4]]]]);
  });
});

describe('adaptiveAvgPool2d1', () => {
  it('is the mean of each plane, and its backward spreads gradOut / (H*W)', () => {
    fc.assert(
      fc.property(poolCase, (c) => {
        const shape = [c.n, c.c, c.h, c.w];
        const data = dataOf(c);
        const y = adaptiveAvgPool2d1(withLayout(data, shape, 'float64', c.layout));
        expect(y.shape).toEqual([c.n, c.c, 1, 1]);
        const plane = c.h * c.w;
        const means = Array.from({ length: c.n * c.c }, (_, p) => data.slice(p * plane, (p + 1) * plane).reduce((a, b) => a + b, 0) / plane);
        expect(maxAbsDiff(y.toTyped(), means)).toBeLessThan(1e-14);
        const g = seededValues(c.seed + 2, c.n * c.c);
        const gx = adaptiveAvgPool2d1Backward(fromArray(Float64Array.from(g), [c.n, c.c, 1, 1]), shape);
        const want = Array.from({ length: data.length }, (_, i) => g[Math.floor(i / plane)]! / plane);
        expect(maxAbsDiff(gx.toTyped(), want)).toBe(0);
      }),
      { numRuns: 50 },
    );
  });

  it('rejects a gradOut that is not (N, C, 1, 1)', () => {
    expect(() => adaptiveAvgPool2d1Backward(zeros([1, 2, 2, 1]), [1, 2, 3, 3])).toThrow(/adaptiveAvgPool2d1Backward: gradOut must have shape \[1, 2, 1, 1\]/);
  });
});
