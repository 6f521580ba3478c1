// The simd im2col / col2im kernels against their js twins (the oracles), through the public unfold and fold:
// im2col is a copy and col2im the same float32 adds in the same order, so both are bit-identical. Drawn shapes,
// geometries (kernel 1..3, stride 1..2, padding 0..1, dilation 1..2), values (NaN, -0, infinities) and strided
// operands; and the same bits with 1, 2 and 3 threads on the simd backend.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  NDArray, assign, convOutputSize, fold, listKernels, poolRunning, setNumThreads, shutdown, unfold, zeros,
  type UnfoldOptions,
} from '../src/index';
import { onBackend, exactValues, seededUniform } from './backend-twins';

afterAll(async () => {
  await shutdown();
  setNumThreads(1);
});

/** Values with their exact identity: NaN as one value, -0 apart from +0. */
const exact = (a: NDArray): Array<number | string> => exactValues(a.contiguous().toTyped());

const SPECIALS = [Number.NaN, -0, 0, Infinity, -Infinity];

/** `count` float32 values from a seed, about one in ten of them NaN, -0, 0 or an infinity when `specials`. */
function drawValues(seed: number, count: number, specials: boolean): Float32Array {
  const next = seededUniform(seed);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const u = next();
    out[i] = specials && next() < 0.1 ? SPECIALS[Math.floor(u * SPECIALS.length)]! : (u * 2 - 1) * 4;
  }
  return out;
}

type Layout = 'contiguous' | 'permuted' | 'sliced';

/** A rank-3 or rank-4 array of `values` (row-major) laid out contiguously, with reversed axes, or as a strided slice. */
function laidOut(values: Float32Array, shape: number[], layout: Layout): NDArray {
  const base = NDArray.fromTyped(values, shape);
  const axes = shape.map((_, i) => i);
  const reversed = [...axes].reverse();
  switch (layout) {
    case 'contiguous':
      return base;
    case 'permuted':
      return base.permute(reversed).contiguous().permute(reversed);
    case 'sliced': {
      const last = shape.length - 1;
      const view = zeros([...shape.slice(0, last - 1), shape[last - 1]! + 1, 2 * shape[last]! + 1], 'float32').slice(last - 1, 1).slice(last, 1, undefined, 2);
      assign(view, base);
      return view;
    }
  }
}

const pair = (min: number, max: number) => fc.tuple(fc.integer({ min, max }), fc.integer({ min, max }));

const windowCase = fc
  .record({
    n: fc.integer({ min: 1, max: 3 }), c: fc.integer({ min: 1, max: 17 }),
    h: fc.integer({ min: 1, max: 13 }), w: fc.integer({ min: 1, max: 13 }),
    k: pair(1, 3), s: pair(1, 2), p: pair(0, 1), d: pair(1, 2),
    seed: fc.integer(), specials: fc.boolean(), layout: fc.constantFrom<Layout>('contiguous', 'permuted', 'sliced'),
  })
  .filter((c) => convOutputSize(c.h, c.k[0], c.s[0], c.p[0], c.d[0]) >= 1 && convOutputSize(c.w, c.k[1], c.s[1], c.p[1], c.d[1]) >= 1);

type WindowCase = typeof windowCase extends fc.Arbitrary<infer T> ? T : never;

function optionsOf(c: WindowCase): UnfoldOptions {
  return { kernelSize: c.k, stride: c.s, padding: c.p, dilation: c.d };
}

describe('simd im2col / col2im kernels', () => {
  it('are registered on both backends', () => {
    const names = new Map(listKernels().map((k) => [k.name, k.backends]));
    expect(names.get('im2col')).toEqual(['js', 'simd']);
    expect(names.get('col2im')).toEqual(['js', 'simd']);
  });

  it('unfold (im2col): simd is exactly js, strided inputs included', () => {
    fc.assert(
      fc.property(windowCase, (c) => {
        const x = laidOut(drawValues(c.seed, c.n * c.c * c.h * c.w, c.specials), [c.n, c.c, c.h, c.w], c.layout);
        const js = onBackend('js', () => unfold(x, optionsOf(c)));
        const simd = onBackend('simd', () => unfold(x, optionsOf(c)));
        expect(simd.shape).toEqual(js.shape);
        expect(exact(simd)).toEqual(exact(js));
      }),
      { numRuns: 200 },
    );
  });

  it('fold (col2im): simd is exactly js (same float32 adds in the same order), strided columns included', () => {
    fc.assert(
      fc.property(windowCase, (c) => {
        const o = optionsOf(c);
        const L = convOutputSize(c.h, c.k[0], c.s[0], c.p[0], c.d[0]) * convOutputSize(c.w, c.k[1], c.s[1], c.p[1], c.d[1]);
        const shape = [c.n, c.c * c.k[0] * c.k[1], L];
        const cols = laidOut(drawValues(c.seed, shape[0]! * shape[1]! * shape[2]!, c.specials), shape, c.layout);
        const js = onBackend('js', () => fold(cols, { ...o, outputSize: [c.h, c.w] }));
        const simd = onBackend('simd', () => fold(cols, { ...o, outputSize: [c.h, c.w] }));
        expect(exact(simd)).toEqual(exact(js));
      }),
      { numRuns: 200 },
    );
  });

  it('agree across several channel blocks, at stride 3 and on a channel too large for a block (js fallbacks)', () => {
    const cases: Array<[number[], UnfoldOptions]> = [
      [[2, 40, 40, 40], { kernelSize: 3, padding: 1 }], // 40 * 9 * 1600 floats of columns: several blocks
      [[1, 3, 30, 30], { kernelSize: 3, stride: 3 }],
      [[1, 1, 180, 180], { kernelSize: 3, padding: 1 }], // 9 * 32400 floats of columns for one channel, over 2^18
    ];
    for (const [shape, options] of cases) {
      const x = laidOut(drawValues(11, shape.reduce((a, b) => a * b, 1), true), shape, 'contiguous');
      const js = onBackend('js', () => unfold(x, options));
      const simd = onBackend('simd', () => unfold(x, options));
      expect(exact(simd)).toEqual(exact(js));
      const out = { ...options, outputSize: [shape[2]!, shape[3]!] };
      expect(exact(onBackend('simd', () => fold(js, out)))).toEqual(exact(onBackend('js', () => fold(js, out))));
    }
  });

  it('gives unfold and fold the same bits with 1, 2 and 3 threads on the simd backend', () => {
    const x = laidOut(drawValues(5, 6 * 16 * 32 * 32, true), [6, 16, 32, 32], 'contiguous');
    const win = { kernelSize: 3, padding: 1 };
    const run = (threads: number): Array<Array<number | string>> =>
      onBackend('simd', () => {
        setNumThreads(threads);
        const cols = unfold(x, win);
        return [exact(cols), exact(fold(cols, { ...win, outputSize: [32, 32] }))];
      });
    const one = run(1);
    const two = run(2);
    expect(poolRunning()).toBe(true);
    const three = run(3);
    setNumThreads(1);
    expect(two).toEqual(one);
    expect(three).toEqual(one);
    const js = onBackend('js', () => exact(unfold(x, win)));
    expect(one[0]).toEqual(js);
  });
});
