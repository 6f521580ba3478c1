// conv2d and its input/weight gradients against the naive direct convolution.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TensorError, conv2d, conv2dBackwardInput, conv2dBackwardWeight, fromArray, zeros } from '../src/index';
import { windowCase, seededValues, type WindowCase } from './conv-configs';
import { LAYOUTS, withLayout } from './layouts';
import { convOutSize, maxAbsDiff, naiveConv2d, naiveConv2dBackwardInput, naiveConv2dBackwardWeight } from './naive-kernels';

/** A window case plus an output channel count, including the 1x1/stride-1/no-padding fast path. */
const convCase = fc.record({
  g: fc.oneof(
    windowCase,
    windowCase.map((g): WindowCase => ({ ...g, kernel: [1, 1], stride: [1, 1], padding: [0, 0] })),
  ),
  cout: fc.integer({ min: 1, max: 5 }),
  bias: fc.boolean(),
  seed: fc.integer(),
  layout: fc.constantFrom(...LAYOUTS),
});

const optsOf = (g: WindowCase) => ({ stride: g.stride, padding: g.padding, dilation: g.dilation });

describe('conv2d', () => {
  it('forward matches the direct convolution (float64, any input layout, with and without bias)', () => {
    fc.assert(
      fc.property(convCase, ({ g, cout, bias, seed, layout }) => {
        const xShape = [g.n, g.c, g.h, g.w];
        const wShape = [cout, g.c, g.kernel[0], g.kernel[1]];
        const xd = seededValues(seed, g.n * g.c * g.h * g.w);
        const wd = seededValues(seed + 1, wShape.reduce((a, b) => a * b, 1));
        const bd = seededValues(seed + 2, cout);
        const y = conv2d(withLayout(xd, xShape, 'float64', layout), withLayout(wd, wShape, 'float64', layout), bias ? fromArray(Float64Array.from(bd)) : null, optsOf(g));
        const ref = naiveConv2d({ shape: xShape, data: xd }, { shape: wShape, data: wd }, bias ? bd : null, g);
        expect(y.shape).toEqual(ref.shape);
        expect(maxAbsDiff(y.toTyped(), ref.data)).toBeLessThan(1e-12);
      }),
      { numRuns: 80 },
    );
  });

  it('float32 forward on integer data is exact', () => {
    fc.assert(
      fc.property(convCase, ({ g, cout, seed }) => {
        const xShape = [g.n, g.c, g.h, g.w];
        const wShape = [cout, g.c, g.kernel[0], g.kernel[1]];
        const xd = seededValues(seed, g.n * g.c * g.h * g.w).map((v) => Math.round(v * 4));
        const wd = seededValues(seed + 1, wShape.reduce((a, b) => a * b, 1)).map((v) => Math.round(v * 4));
        const y = conv2d(withLayout(xd, xShape, 'float32', 'contiguous'), withLayout(wd, wShape, 'float32', 'contiguous'), null, optsOf(g));
        const ref = naiveConv2d({ shape: xShape, data: xd }, { shape: wShape, data: wd }, null, g);
        expect(Array.from(y.toTyped())).toEqual(ref.data.map((v) => v + 0));
      }),
      { numRuns: 40 },
    );
  });

  it('backward w.r.t. input and weight match the naive gradients (any gradOut layout)', () => {
    fc.assert(
      fc.property(convCase, ({ g, cout, seed, layout }) => {
        const xShape = [g.n, g.c, g.h, g.w];
        const wShape = [cout, g.c, g.kernel[0], g.kernel[1]];
        const oh = convOutSize(g.h, g.kernel[0], g.stride[0], g.padding[0], g.dilation[0]);
        const ow = convOutSize(g.w, g.kernel[1], g.stride[1], g.padding[1], g.dilation[1]);
        const gShape = [g.n, cout, oh, ow];
        const xd = seededValues(seed, g.n * g.c * g.h * g.w);
        const wd = seededValues(seed + 1, wShape.reduce((a, b) => a * b, 1));
        const gd = seededValues(seed + 3, g.n * cout * oh * ow);
        const gy = withLayout(gd, gShape, 'float64', layout);
        const dx = conv2dBackwardInput(gy, withLayout(wd, wShape, 'float64', layout), xShape, optsOf(g));
        const dxRef = naiveConv2dBackwardInput({ shape: gShape, data: gd }, { shape: wShape, data: wd }, xShape, g);
        expect(dx.shape).toEqual(xShape);
        expect(maxAbsDiff(dx.toTyped(), dxRef.data)).toBeLessThan(1e-12);
        const dw = conv2dBackwardWeight(gy, withLayout(xd, xShape, 'float64', layout), wShape, optsOf(g));
        const dwRef = naiveConv2dBackwardWeight({ shape: gShape, data: gd }, { shape: xShape, data: xd }, wShape, g);
        expect(dw.shape).toEqual(wShape);
        expect(maxAbsDiff(dw.toTyped(), dwRef.data)).toBeLessThan(1e-12);
      }),
      { numRuns: 80 },
    );
  });

  it('handles sizes spanning several GEMM blocks (Cin*k*k > 256, Cout > 64)', () => {
    const xShape = [2, 30, 6, 5];
    const wShape = [67, 30, 3, 3];
    const g = { stride: [1, 1] as [number, number], padding: [1, 1] as [number, number], dilation: [1, 1] as [number, number] };
    const xd = seededValues(7, 2 * 30 * 30);
    const wd = seededValues(8, 67 * 270);
    const x = fromArray(Float64Array.from(xd), xShape);
    const w = fromArray(Float64Array.from(wd), wShape);
    const y = conv2d(x, w, null, g);
    expect(maxAbsDiff(y.toTyped(), naiveConv2d({ shape: xShape, data: xd }, { shape: wShape, data: wd }, null, g).data)).toBeLessThan(1e-12);
    const gd = seededValues(9, y.size);
    const gy = fromArray(Float64Array.from(gd), [...y.shape]);
    const dx = conv2dBackwardInput(gy, w, xShape, g);
    expect(maxAbsDiff(dx.toTyped(), naiveConv2dBackwardInput({ shape: [...y.shape], data: gd }, { shape: wShape, data: wd }, xShape, g).data)).toBeLessThan(1e-12);
    const dw = conv2dBackwardWeight(gy, x, wShape, g);
    expect(maxAbsDiff(dw.toTyped(), naiveConv2dBackwardWeight({ shape: [...y.shape], data: gd }, { shape: xShape, data: xd }, wShape, g).data)).toBeLessThan(1e-12);
  });

  it('accepts a broadcast (stride-0) gradOut, as the backward of a sum produces', () => {
    const xShape = [2, 3, 5, 4];
    const wShape = [4, 3, 3, 3];
    const g = { stride: [2, 1] as [number, number], padding: [1, 0] as [number, number], dilation: [1, 1] as [number, number] };
    const xd = seededValues(11, 2 * 3 * 5 * 4);
    const wd = seededValues(12, 4 * 27);
    const x = fromArray(Float64Array.from(xd), xShape);
    const w = fromArray(Float64Array.from(wd), wShape);
    const yShape = [...conv2d(x, w, null, g).shape];
    const gy = fromArray(Float64Array.from([0.5]), [1, 1, 1, 1]).expand(yShape);
    const dense = { shape: yShape, data: new Array<number>(yShape.reduce((a, b) => a * b, 1)).fill(0.5) };
    expect(maxAbsDiff(conv2dBackwardInput(gy, w, xShape, g).toTyped(), naiveConv2dBackwardInput(dense, { shape: wShape, data: wd }, xShape, g).data)).toBeLessThan(1e-12);
    expect(maxAbsDiff(conv2dBackwardWeight(gy, x, wShape, g).toTyped(), naiveConv2dBackwardWeight(dense, { shape: xShape, data: xd }, wShape, g).data)).toBeLessThan(1e-12);
  });

  it('rejects mismatched channels, ranks, dtypes, bias and gradOut shapes', () => {
    const x = zeros([1, 2, 5, 5]);
    expect(() => conv2d(x, zeros([4, 3, 3, 3]), null)).toThrow(/conv2d: input \[1, 2, 5, 5\] has 2 channels but weight \[4, 3, 3, 3\]/);
    expect(() => conv2d(zeros([2, 5, 5]), zeros([4, 2, 3, 3]), null)).toThrow(/conv2d: expected an input of 4 dims/);
    expect(() => conv2d(x, zeros([4, 2, 3, 3], 'float64'), null)).toThrow(/conv2d: dtypes must match/);
    expect(() => conv2d(x, zeros([4, 2, 3, 3]), zeros([3]))).toThrow(/conv2d: bias must be float32 \[4\]/);
    expect(() => conv2d(x, zeros([4, 2, 6, 6]), null)).toThrow(TensorError);
    expect(() => conv2d(x, zeros([4, 2, 3, 3]), null, { stride: 0 })).toThrow(/conv2d: stride/);
    expect(() => conv2dBackwardInput(zeros([1, 4, 4, 4]), zeros([4, 2, 3, 3]), [1, 2, 5, 5])).toThrow(/conv2dBackwardInput: gradOut must have shape \[1, 4, 3, 3\]/);
    expect(() => conv2dBackwardWeight(zeros([1, 4, 3, 3]), x, [4, 2, 2, 2])).toThrow(/conv2dBackwardWeight: gradOut must have shape \[1, 4, 4, 4\]/);
  });
});
