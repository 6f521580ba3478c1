// unfold (im2col) and fold (col2im): the naive definition, the adjoint identity, PyTorch's sizes, hand cases.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TensorError, convOutputSize, fold, fromArray, unfold, type NDArray } from '../src/index';
import { windowCase, seededValues, type WindowCase } from './conv-configs';
import { LAYOUTS, withLayout } from './layouts';
import { convOutSize, maxAbsDiff, naiveUnfold } from './naive-kernels';

const optsOf = (g: WindowCase) => ({ kernelSize: g.kernel, stride: g.stride, padding: g.padding, dilation: g.dilation });

function dot(a: NDArray, b: NDArray): number {
  const x = a.toTyped();
  const y = b.toTyped();
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * y[i]!;
  return s;
}

describe('unfold', () => {
  it('matches the naive definition for random geometries and input layouts', () => {
    fc.assert(
      fc.property(windowCase, fc.constantFrom(...LAYOUTS), fc.integer(), (g, layout, seed) => {
        const shape = [g.n, g.c, g.h, g.w];
        const data = seededValues(seed, g.n * g.c * g.h * g.w);
        const x = withLayout(data, shape, 'float64', layout);
        const got = unfold(x, optsOf(g));
        const ref = naiveUnfold({ shape, data }, g);
        expect(got.shape).toEqual(ref.shape);
        expect(Array.from(got.toTyped())).toEqual(ref.data);
      }),
      { numRuns: 100 },
    );
  });

  it('has L = outH * outW with PyTorch output sizes floor((H + 2p - d(k-1) - 1)/s) + 1', () => {
    fc.assert(
      fc.property(windowCase, (g) => {
        const y = unfold(fromArray(new Float32Array(g.n * g.c * g.h * g.w), [g.n, g.c, g.h, g.w]), optsOf(g));
        const oh = Math.floor((g.h + 2 * g.padding[0] - g.dilation[0] * (g.kernel[0] - 1) - 1) / g.stride[0]) + 1;
        const ow = Math.floor((g.w + 2 * g.padding[1] - g.dilation[1] * (g.kernel[1] - 1) - 1) / g.stride[1]) + 1;
        expect(y.shape).toEqual([g.n, g.c * g.kernel[0] * g.kernel[1], oh * ow]);
        expect(convOutputSize(g.h, g.kernel[0], g.stride[0], g.padding[0], g.dilation[0])).toBe(oh);
      }),
      { numRuns: 100 },
    );
  });

  it('hand-computed: 1x1x3x3 image, 2x2 kernel', () => {
    const x = fromArray([[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]]);
    // columns are the 4 windows (row-major), rows the 4 taps of each window
    expect(unfold(x, { kernelSize: 2 }).toArray()).toEqual([[[1, 2, 4, 5], [2, 3, 5, 6], [4, 5, 7, 8], [5, 6, 8, 9]]]);
  });

  it('hand-computed: 1x1x2x2 image, 3x3 kernel, padding 1, stride 2', () => {
    const x = fromArray([[[[1, 2], [3, 4]]]]);
    // one window centred on (0, 0): taps (-1..1, -1..1)
    expect(unfold(x, { kernelSize: 3, padding: 1, stride: 2 }).toArray()).toEqual([[[0], [0], [0], [0], [1], [2], [0], [3], [4]]]);
  });

  it('rejects a kernel larger than the padded input, a non-positive stride and a wrong rank', () => {
    const x = fromArray(new Float32Array(9), [1, 1, 3, 3]);
    expect(() => unfold(x, { kernelSize: 4 })).toThrow(TensorError);
    expect(() => unfold(x, { kernelSize: 4 })).toThrow(/unfold: kernel \[4, 4\].*larger than the padded input \[3, 3\]/);
    expect(() => unfold(x, { kernelSize: 2, dilation: 3 })).toThrow(/unfold: kernel \[4, 4\]/);
    expect(() => unfold(x, { kernelSize: 2, stride: 0 })).toThrow(/unfold: stride must be an integer >= 1/);
    expect(() => unfold(x, { kernelSize: 2, padding: -1 })).toThrow(/unfold: padding/);
    expect(() => unfold(fromArray(new Float32Array(9), [1, 3, 3]), { kernelSize: 2 })).toThrow(/unfold: expected an input of 4 dims.*\[1, 3, 3\]/);
    expect(unfold(x, { kernelSize: 4, padding: 1 }).shape).toEqual([1, 16, 4]); // (3 + 2 - 4) + 1 = 2 per dim
  });
});

describe('fold', () => {
  it('is the adjoint of unfold: <fold(y), x> = <y, unfold(x)>', () => {
    fc.assert(
      fc.property(windowCase, fc.integer(), fc.constantFrom(...LAYOUTS), (g, seed, layout) => {
        const shape = [g.n, g.c, g.h, g.w];
        const x = fromArray(Float64Array.from(seededValues(seed, g.n * g.c * g.h * g.w)), shape);
        const ux = unfold(x, optsOf(g));
        const y = withLayout(seededValues(seed ^ 0x5bd1e995, ux.size), [...ux.shape], 'float64', layout);
        const fy = fold(y, { ...optsOf(g), outputSize: [g.h, g.w] });
        expect(fy.shape).toEqual(shape);
        const lhs = dot(fy, x);
        const rhs = dot(y, ux);
        expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(rhs)) * ux.size);
      }),
      { numRuns: 100 },
    );
  });

  it('counts window overlaps: fold(unfold(ones)) is the number of windows covering each pixel', () => {
    fc.assert(
      fc.property(windowCase, (g) => {
        const shape = [g.n, g.c, g.h, g.w];
        const ones = fromArray(new Float64Array(g.n * g.c * g.h * g.w).fill(1), shape);
        const got = fold(unfold(ones, optsOf(g)), { ...optsOf(g), outputSize: [g.h, g.w] }).toTyped();
        const oh = convOutSize(g.h, g.kernel[0], g.stride[0], g.padding[0], g.dilation[0]);
        const ow = convOutSize(g.w, g.kernel[1], g.stride[1], g.padding[1], g.dilation[1]);
        const want: number[] = [];
        for (let p = 0; p < g.n * g.c; p++)
          for (let h = 0; h < g.h; h++)
            for (let w = 0; w < g.w; w++) {
              let count = 0;
              for (let a = 0; a < oh; a++) for (let i = 0; i < g.kernel[0]; i++)
                for (let b = 0; b < ow; b++) for (let j = 0; j < g.kernel[1]; j++)
                  if (a * g.stride[0] - g.padding[0] + i * g.dilation[0] === h && b * g.stride[1] - g.padding[1] + j * g.dilation[1] === w) count++;
              want.push(count);
            }
        expect(maxAbsDiff(got, want)).toBe(0);
      }),
      { numRuns: 50 },
    );
  });

  it('hand-computed: folding the 2x2 windows of a 3x3 image sums the overlaps', () => {
    const cols = fromArray([[[1, 2, 4, 5], [2, 3, 5, 6], [4, 5, 7, 8], [5, 6, 8, 9]]]);
    // the centre pixel is in 4 windows, edges in 2, corners in 1
    expect(fold(cols, { outputSize: [3, 3], kernelSize: 2 }).toArray()).toEqual([[[[1, 4, 3], [8, 20, 12], [7, 16, 9]]]]);
  });

  it('rejects inconsistent block counts and channel sizes', () => {
    const cols = fromArray(new Float32Array(4 * 4), [1, 4, 4]);
    expect(() => fold(cols, { outputSize: [4, 4], kernelSize: 2 })).toThrow(/fold: input \[1, 4, 4\] has 4 blocks.*3 x 3 = 9/);
    expect(() => fold(cols, { outputSize: [3, 3], kernelSize: 3 })).toThrow(/fold: dim 1 of input \[1, 4, 4\] must be divisible by .* 9/);
    expect(() => fold(cols, { outputSize: [1, 1], kernelSize: 2 })).toThrow(/fold: kernel \[2, 2\].*larger/);
  });
});
