// The simd pooling kernels against their js twins (the oracles), through the public ops: max pooling (values
// and argmax, NaN and tie rules) and average pooling are bit-identical; the adaptive 1x1 mean is within the
// summation-order bound. Drawn shapes, geometries, values (NaN, -0, infinities) and strided views.
// Pooling does not use the worker pool, so there is no thread-count check here.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  NDArray, adaptiveAvgPool2d1, assign, avgPool2d, convOutputSize, listKernels, maxPool2d, zeros,
  type Pool2dOptions,
} from '../src/index';
import { onBackend, exactValues, seededUniform } from './backend-twins';

/** Values with their exact identity: NaN as one value, -0 apart from +0. */
const exact = (a: NDArray): Array<number | string> => exactValues(a.contiguous().toTyped());

type ValueMode = 'ties' | 'floats' | 'specials';
const SPECIALS = [Number.NaN, -0, 0, Infinity, -Infinity];

/** `count` float32 values from a seed: small integers (ties), floats, or floats with NaN / -0 / infinities. */
function drawValues(seed: number, count: number, mode: ValueMode): Float32Array {
  const next = seededUniform(seed);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const u = next();
    if (mode === 'specials' && next() < 0.1) out[i] = SPECIALS[Math.floor(u * SPECIALS.length)]!;
    else out[i] = mode === 'ties' ? Math.round(u * 6) - 3 : (u * 2 - 1) * 4;
  }
  return out;
}

type Layout = 'contiguous' | 'nhwc' | 'hw-transposed' | 'sliced';
const LAYOUTS: readonly Layout[] = ['contiguous', 'nhwc', 'hw-transposed', 'sliced'];

/** The (n, c, h, w) array of `values` (row-major) in a memory layout: contiguous, permuted, or a strided slice. */
function laidOut(values: Float32Array, shape: [number, number, number, number], layout: Layout): NDArray {
  const base = NDArray.fromTyped(values, shape);
  switch (layout) {
    case 'contiguous':
      return base;
    case 'nhwc':
      return base.permute([0, 2, 3, 1]).contiguous().permute([0, 3, 1, 2]);
    case 'hw-transposed':
      return base.transpose(2, 3).contiguous().transpose(2, 3);
    case 'sliced': {
      const [n, c, h, w] = shape;
      const view = zeros([n, c + 2, h, 2 * w + 1], 'float32').slice(1, 1, c + 1).slice(3, 1, undefined, 2);
      assign(view, base);
      return view;
    }
  }
}

const pair = (min: number, max: number) => fc.tuple(fc.integer({ min, max }), fc.integer({ min, max }));

/** Pooling cases: odd sizes, batch 1.., channels 1..17, kernel 1..3, stride 1..2, padding 0..1 (at most half the kernel). */
const poolCase = fc
  .record({
    n: fc.integer({ min: 1, max: 3 }), c: fc.integer({ min: 1, max: 17 }),
    h: fc.integer({ min: 1, max: 13 }), w: fc.integer({ min: 1, max: 13 }),
    k: pair(1, 3), s: pair(1, 2), p: pair(0, 1),
    seed: fc.integer(), mode: fc.constantFrom<ValueMode>('ties', 'floats', 'specials'), layout: fc.constantFrom(...LAYOUTS),
  })
  .filter((c) => 2 * c.p[0] <= c.k[0] && 2 * c.p[1] <= c.k[1])
  .filter((c) => convOutputSize(c.h, c.k[0], c.s[0], c.p[0]) >= 1 && convOutputSize(c.w, c.k[1], c.s[1], c.p[1]) >= 1);

type PoolCase = typeof poolCase extends fc.Arbitrary<infer T> ? T : never;

function inputOf(c: PoolCase): NDArray {
  return laidOut(drawValues(c.seed, c.n * c.c * c.h * c.w, c.mode), [c.n, c.c, c.h, c.w], c.layout);
}

function optionsOf(c: PoolCase): Pool2dOptions {
  return { kernelSize: c.k, stride: c.s, padding: c.p };
}

describe('simd pooling kernels', () => {
  it('are registered on both backends', () => {
    const names = new Map(listKernels().map((k) => [k.name, k.backends]));
    for (const name of ['pool.maxPool2d', 'pool.avgPool2d', 'pool.adaptiveAvgPool2d1']) expect(names.get(name)).toEqual(['js', 'simd']);
  });

  it('maxPool2d: simd values and argmax indices are exactly the js ones (NaN, ties, -0, padding)', () => {
    fc.assert(
      fc.property(poolCase, (c) => {
        const x = inputOf(c);
        const js = onBackend('js', () => maxPool2d(x, optionsOf(c)));
        const simd = onBackend('simd', () => maxPool2d(x, optionsOf(c)));
        expect(exact(simd.values)).toEqual(exact(js.values));
        expect(Array.from(simd.indices.toTyped())).toEqual(Array.from(js.indices.toTyped()));
      }),
      { numRuns: 200 },
    );
  });

  it('maxPool2d keeps the NaN and tie rules in the vector lanes and in the scalar border columns', () => {
    // windows of 2 along W with stride 2: six outputs per row, the first four in one f32x4, the last two scalar
    const N = Number.NaN;
    const row1 = [1, 1, N, 2, 3, N, N, N, -0, 0, -Infinity, -Infinity];
    const row2 = [-Infinity, -Infinity, -0, 0, N, N, 3, N, N, 2, 1, 1];
    const x = NDArray.fromTyped(Float32Array.from([...row1, ...row2]), [1, 1, 2, 12]);
    for (const backend of ['js', 'simd'] as const) {
      const { values, indices } = onBackend(backend, () => maxPool2d(x, { kernelSize: [1, 2], stride: [1, 2] }));
      // the first maximum wins a tie, a NaN is always taken (so the last NaN of a window), -0 beats a later +0
      expect(exact(values)).toEqual([1, 'NaN', 'NaN', 'NaN', '-0', -Infinity, -Infinity, '-0', 'NaN', 'NaN', 'NaN', 1]);
      expect(Array.from(indices.toTyped())).toEqual([0, 2, 5, 7, 8, 10, 12, 14, 17, 19, 20, 22]);
    }
    // an all -Infinity row with padding: the argmax is the first in-bounds tap, never the padding
    const y = NDArray.fromTyped(new Float32Array(9).fill(-Infinity), [1, 1, 1, 9]);
    for (const backend of ['js', 'simd'] as const) {
      const { indices } = onBackend(backend, () => maxPool2d(y, { kernelSize: [1, 3], stride: 1, padding: [0, 1] }));
      expect(Array.from(indices.toTyped())).toEqual([0, 0, 1, 2, 3, 4, 5, 6, 7]);
    }
  });

  it('avgPool2d: simd is exactly js (float64 window sums in the same order, one rounding)', () => {
    fc.assert(
      fc.property(poolCase, (c) => {
        const x = inputOf(c);
        const js = onBackend('js', () => avgPool2d(x, optionsOf(c)));
        const simd = onBackend('simd', () => avgPool2d(x, optionsOf(c)));
        expect(exact(simd)).toEqual(exact(js));
      }),
      { numRuns: 200 },
    );
  });

  it('adaptiveAvgPool2d1: simd is within the summation-order bound of js', () => {
    // Both sum a plane of m = H*W float32 values in float64, js serially, simd in four lanes: each is within
    // (m - 1) * 2^-53 * sum|x| of the exact sum, so they are within 2m * 2^-53 * sum|x| of each other; the
    // mean divides that by m, and rounding to float32 adds at most one float32 ulp of the mean.
    fc.assert(
      fc.property(poolCase, (c) => {
        const x = inputOf(c);
        const js = onBackend('js', () => adaptiveAvgPool2d1(x)).toTyped();
        const simd = onBackend('simd', () => adaptiveAvgPool2d1(x)).toTyped();
        const xs = x.contiguous().toTyped();
        const m = c.h * c.w;
        for (let p = 0; p < c.n * c.c; p++) {
          const a = js[p]!;
          const b = simd[p]!;
          if (!Number.isFinite(a)) {
            expect(exact(NDArray.fromTyped(Float32Array.of(b), [1]))).toEqual(exact(NDArray.fromTyped(Float32Array.of(a), [1])));
            continue;
          }
          let abs = 0;
          for (let i = p * m; i < (p + 1) * m; i++) abs += Math.abs(xs[i]!);
          const ulp = Math.abs(a) === 0 ? 2 ** -149 : 2 ** (Math.floor(Math.log2(Math.abs(a))) - 23);
          expect(Math.abs(a - b)).toBeLessThanOrEqual(2 * 2 ** -53 * abs + ulp);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('agree across several blocks, on a plane too large for a block (js fallback) and at stride 3 (js fallback)', () => {
    const cases: Array<[[number, number, number, number], Pool2dOptions, Layout]> = [
      [[2, 17, 90, 90], { kernelSize: 3, stride: 2, padding: 1 }, 'contiguous'], // 275k floats: two blocks
      [[2, 17, 90, 90], { kernelSize: 2 }, 'nhwc'],
      [[1, 1, 513, 512], { kernelSize: 2 }, 'contiguous'], // one plane over 2^18 floats
      [[2, 3, 20, 20], { kernelSize: 3, stride: 3 }, 'sliced'],
    ];
    for (const [shape, options, layout] of cases) {
      const x = laidOut(drawValues(7, shape.reduce((a, b) => a * b, 1), 'specials'), shape, layout);
      const js = onBackend('js', () => [maxPool2d(x, options), avgPool2d(x, options)] as const);
      const simd = onBackend('simd', () => [maxPool2d(x, options), avgPool2d(x, options)] as const);
      expect(exact(simd[0].values)).toEqual(exact(js[0].values));
      expect(Array.from(simd[0].indices.toTyped())).toEqual(Array.from(js[0].indices.toTyped()));
      expect(exact(simd[1])).toEqual(exact(js[1]));
    }
  });

  it('float64 inputs run the js loop on the simd backend', () => {
    const x = NDArray.fromTyped(Float64Array.from(drawValues(3, 2 * 3 * 9 * 9, 'specials')), [2, 3, 9, 9]);
    const js = onBackend('js', () => [maxPool2d(x, { kernelSize: 3, stride: 2, padding: 1 }).values, avgPool2d(x, { kernelSize: 2 }), adaptiveAvgPool2d1(x)]);
    const simd = onBackend('simd', () => [maxPool2d(x, { kernelSize: 3, stride: 2, padding: 1 }).values, avgPool2d(x, { kernelSize: 2 }), adaptiveAvgPool2d1(x)]);
    for (let i = 0; i < js.length; i++) expect(exact(simd[i]!)).toEqual(exact(js[i]!));
  });
});
