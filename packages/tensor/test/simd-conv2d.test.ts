// The simd conv2d (an implicit GEMM, src/simd/conv2d-simd.ts) against its js twin (im2col + js GEMM + col2im)
// over drawn shapes, strides, paddings, dilations, input layouts and values, forward and both gradients.
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  abs, conv2d, randn, shutdown, Generator, conv2dBackwardInput, conv2dBackwardWeight, fromArray, getBackend, setBackend, setNumThreads, type NDArray,
} from '../src/index';
import { seededUniform } from './backend-twins';

const initial = getBackend();
afterEach(() => setBackend(initial));
afterAll(async () => {
  await shutdown();
  setNumThreads(1);
});

function values(seed: number, n: number): Float64Array {
  const next = seededUniform(seed);
  return Float64Array.from({ length: n }, () => next() * 2 - 1);
}

/** The same values as a contiguous, channels-last (permuted) or stepped (sliced) float32 view. */
function layout(data: Float64Array, shape: number[], kind: 'contiguous' | 'permuted' | 'sliced'): NDArray {
  const base = fromArray(data, shape).cast('float32');
  if (kind === 'permuted') return base.permute([0, 2, 3, 1]).clone().permute([0, 3, 1, 2]);
  if (kind === 'sliced') {
    const [n, c, h, w] = shape as [number, number, number, number];
    const wide = fromArray(new Float64Array(n * c * h * (2 * w + 1)), [n, c, h, 2 * w + 1]).cast('float32');
    const view = wide.slice(3, 1, undefined, 2);
    for (let i = 0; i < n * c * h * w; i++) {
      const q = i % w, r = Math.floor(i / w);
      wide.data[r * (2 * w + 1) + 1 + 2 * q] = base.data[i]!;
    }
    return view;
  }
  return base;
}

const EPS32 = 2 ** -24;
const geometry = fc.record({
  n: fc.integer({ min: 1, max: 3 }), cin: fc.integer({ min: 1, max: 5 }), cout: fc.integer({ min: 1, max: 21 }),
  h: fc.integer({ min: 1, max: 11 }), w: fc.integer({ min: 1, max: 19 }),
  k: fc.integer({ min: 1, max: 3 }), stride: fc.integer({ min: 1, max: 2 }), padding: fc.integer({ min: 0, max: 2 }), dilation: fc.integer({ min: 1, max: 2 }),
  layout: fc.constantFrom('contiguous' as const, 'permuted' as const, 'sliced' as const), seed: fc.integer(),
}).filter(({ h, w, k, padding, dilation }) => dilation * (k - 1) + 1 <= Math.min(h, w) + 2 * padding);

/** Asserts |simd - js| <= terms * 2^-24 * magnitude elementwise (magnitude: the same sum over |operands|, float64). */
function expectWithin(simd: NDArray, js: NDArray, magnitude: NDArray, terms: number): void {
  const s = simd.toTyped(), j = js.toTyped(), m = magnitude.toTyped();
  expect(simd.shape).toEqual(js.shape);
  for (let i = 0; i < s.length; i++) expect(Math.abs(s[i]! - j[i]!)).toBeLessThanOrEqual(terms * EPS32 * m[i]! + 1e-30);
}

describe('simd conv2d', () => {
  it('forward and both gradients agree with the js twin within the float32 summation bound', () => {
    setNumThreads(1);
    fc.assert(
      fc.property(geometry, ({ n, cin, cout, h, w, k, stride, padding, dilation, layout: kind, seed }) => {
        const x = layout(values(seed, n * cin * h * w), [n, cin, h, w], kind);
        const wt = fromArray(values(seed + 1, cout * cin * k * k), [cout, cin, k, k]).cast('float32');
        const o = { stride, padding, dilation };
        setBackend('js');
        const y = conv2d(x, wt, null, o);
        const gy = fromArray(values(seed + 2, y.size), y.shape).cast('float32');
        const js = [y, conv2dBackwardInput(gy, wt, x.shape, o), conv2dBackwardWeight(gy, x, wt.shape, o)];
        // the magnitudes: the same sums over |operands| in float64
        const [ax, aw, ag] = [abs(x).cast('float64'), abs(wt).cast('float64'), abs(gy).cast('float64')];
        const mags = [conv2d(ax, aw, null, o), conv2dBackwardInput(ag, aw, x.shape, o), conv2dBackwardWeight(ag, ax, wt.shape, o)];
        setBackend('simd');
        const simd = [conv2d(x, wt, null, o), conv2dBackwardInput(gy, wt, x.shape, o), conv2dBackwardWeight(gy, x, wt.shape, o)];
        const depth = cin * k * k, positions = y.shape[2]! * y.shape[3]!;
        // each output is one sum of depth (forward), cout then up to k*k (input grad) or n*positions (weight grad)
        // products; both twins round it, so the gap is within gamma of the term count (+2 for the roundings)
        expectWithin(simd[0]!, js[0]!, mags[0]!, depth + 2);
        expectWithin(simd[1]!, js[1]!, mags[1]!, cout + k * k + 2);
        expectWithin(simd[2]!, js[2]!, mags[2]!, n * positions + 18);
      }),
      { numRuns: 60 },
    );
  });

  it('equals the js twin exactly on small integers, with a bias, at ResNet-20 sizes', () => {
    setNumThreads(1);
    const ints = (seed: number, size: number) => values(seed, size).map((v) => Math.round(v * 3));
    for (const [c, hw, stride] of [[16, 32, 1], [32, 16, 2], [64, 8, 1]] as const) {
      const x = fromArray(ints(c, 2 * c * hw * hw), [2, c, hw, hw]).cast('float32');
      const wt = fromArray(ints(c + 1, c * c * 9), [c, c, 3, 3]).cast('float32');
      const bias = fromArray(ints(c + 2, c), [c]).cast('float32');
      const o = { stride, padding: 1 };
      const run = (backend: 'js' | 'simd') => {
        setBackend(backend);
        const y = conv2d(x, wt, bias, o);
        return [y, conv2dBackwardInput(y, wt, x.shape, o), conv2dBackwardWeight(y, x, wt.shape, o)].map((t) => Array.from(t.toTyped()));
      };
      expect(run('simd')).toEqual(run('js'));
    }
  });

  it('gives the same bits for 1, 2 and 3 threads when the images are split over the pool', () => {
    setBackend('simd');
    const g = new Generator(11);
    // 6 images of ResNet-20's first stage: about 4 chunks per call
    const x = randn([6, 16, 32, 32], { generator: g });
    const wt = randn([16, 16, 3, 3], { generator: g });
    const gy = randn([6, 16, 32, 32], { generator: g });
    const o = { padding: 1 };
    const run = (threads: number) => {
      setNumThreads(threads);
      return [conv2d(x, wt, null, o), conv2dBackwardInput(gy, wt, x.shape, o), conv2dBackwardWeight(gy, x, wt.shape, o)].map((t) => Array.from(new Uint32Array(t.toTyped().buffer.slice(0))));
    };
    const one = run(1);
    expect(run(2)).toEqual(one);
    expect(run(3)).toEqual(one);
  });
});
