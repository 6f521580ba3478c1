// The simd batch_norm loops against their js twins (the oracles): normalize and inputGrad bit-identical, stats
// and gradSums within the bound of their summation-order difference; the public batchNorm (forward, backward,
// running statistics) on strided inputs within that difference rounded to float32; the same bits with 1, 2 and
// 3 threads on the simd backend.
import { Tensor } from '@adder/autograd';
import { NDArray, assign, getKernel, listKernels, ones, poolRunning, setNumThreads, shutdown, zeros, type BackendName } from '@adder/tensor';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { batchNorm } from '../src/index';
import type { BnLoop } from '../src/functions/batch-norm-chunks';
import { onBackend, exactValues, seededUniform } from '@adder/tensor/testing/twins';

afterAll(async () => {
  await shutdown();
  setNumThreads(1);
});

/** Unit roundoff of float64. */
const U = 2 ** -53;

const SPECIALS = [Number.NaN, -0, 0, Infinity, -Infinity];

/** `count` float32 values from a seed: centred at `shift`; with `specials`, about one in ten NaN, ±0 or infinite. */
function drawValues(seed: number, count: number, shift: number, specials = false): Float32Array {
  const next = seededUniform(seed);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const u = next();
    out[i] = specials && next() < 0.1 ? SPECIALS[Math.floor(u * SPECIALS.length)]! : shift + (u * 2 - 1) * 3;
  }
  return out;
}

function ulp32(v: number): number {
  const a = Math.abs(v);
  return a < 2 ** -126 ? 2 ** -149 : 2 ** (Math.floor(Math.log2(a)) - 23);
}

const loopCase = fc.record({
  N: fc.integer({ min: 1, max: 5 }), C: fc.integer({ min: 1, max: 17 }), S: fc.integer({ min: 1, max: 41 }),
  xo: fc.integer({ min: 0, max: 3 }), go: fc.integer({ min: 0, max: 3 }),
  lo: fc.nat(), hi: fc.nat(), seed: fc.integer(), shift: fc.constantFrom(0, 5, -100),
});
type LoopCase = typeof loopCase extends fc.Arbitrary<infer T> ? T : never;

/** The operands of the four loops for a case, the channel range [c0, c1), and the js statistics. */
function operands(c: LoopCase, specials: boolean) {
  const { N, C, S, xo, go } = c;
  const c0 = c.lo % C;
  const c1 = c0 + 1 + (c.hi % (C - c0));
  const x = drawValues(c.seed, xo + N * C * S, c.shift, specials);
  const g = drawValues(c.seed + 1, go + N * C * S, 0, specials);
  const w = Float64Array.from(drawValues(c.seed + 2, C, 0));
  const b = Float64Array.from(drawValues(c.seed + 3, C, 0));
  const mean = new Float64Array(C), varBiased = new Float64Array(C), invstd = new Float64Array(C);
  getKernel<BnLoop>('batchNorm.stats', 'js')({ N, C, S, x, xo, eps: 1e-5, mean, varBiased, invstd }, 0, C);
  const sumG = new Float64Array(C), sumGX = new Float64Array(C);
  getKernel<BnLoop>('batchNorm.gradSums', 'js')({ N, C, S, x, xo, g, go, mean, invstd, sumG, sumGX }, 0, C);
  return { N, C, S, xo, go, c0, c1, x, g, w, b, mean, varBiased, invstd, sumG, sumGX };
}

/** The elements of channel ch as (value at x, value at g) pairs. */
function channel(o: ReturnType<typeof operands>, ch: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let n = 0; n < o.N; n++) {
    for (let i = 0; i < o.S; i++) out.push([o.x[o.xo + (n * o.C + ch) * o.S + i]!, o.g[o.go + (n * o.C + ch) * o.S + i]!]);
  }
  return out;
}

describe('simd batch_norm loops', () => {
  it('are registered on both backends', () => {
    const names = new Map(listKernels().map((k) => [k.name, k.backends]));
    for (const n of ['batchNorm.stats', 'batchNorm.normalize', 'batchNorm.gradSums', 'batchNorm.inputGrad']) expect(names.get(n)).toEqual(['js', 'simd']);
  });

  it('stats: mean, biased variance and invstd within the summation-order bound of js', () => {
    // Both sum M = N*S terms in float64 (js serially, simd in four lanes plus a tail): each within (M-1)*U*sum|t|
    // of the exact sum, so within 2M*U*sum|t| of each other. mean = sum/M: |dmean| <= 2U*sum|x| + 2U|mean|.
    // var = sum((x - mean)^2)/M also moves with the mean: by at most (2*dmean*sum|x - mean| + M*dmean^2)/M.
    // invstd = (var + eps)^-1/2 moves by at most dvar/(2(var + eps)) relatively, plus 4 roundings.
    fc.assert(
      fc.property(loopCase, (c) => {
        const o = operands(c, false);
        const mean = new Float64Array(o.C), varBiased = new Float64Array(o.C), invstd = new Float64Array(o.C);
        getKernel<BnLoop>('batchNorm.stats', 'simd')({ N: o.N, C: o.C, S: o.S, x: o.x, xo: o.xo, eps: 1e-5, mean, varBiased, invstd }, o.c0, o.c1);
        const M = o.N * o.S;
        for (let ch = o.c0; ch < o.c1; ch++) {
          const xs = channel(o, ch).map(([x]) => x);
          const absX = xs.reduce((s, v) => s + Math.abs(v), 0);
          const dev = xs.reduce((s, v) => s + Math.abs(v - o.mean[ch]!), 0);
          const sq = xs.reduce((s, v) => s + (v - o.mean[ch]!) ** 2, 0);
          const dMean = 2 * U * absX + 2 * U * Math.abs(o.mean[ch]!);
          const dVar = (2 * M * U * sq + 2 * dMean * dev + M * dMean * dMean) / M + 2 * U * o.varBiased[ch]!;
          expect(Math.abs(mean[ch]! - o.mean[ch]!)).toBeLessThanOrEqual(dMean);
          expect(Math.abs(varBiased[ch]! - o.varBiased[ch]!)).toBeLessThanOrEqual(dVar);
          expect(Math.abs(invstd[ch]! - o.invstd[ch]!)).toBeLessThanOrEqual(o.invstd[ch]! * (dVar / (2 * (o.varBiased[ch]! + 1e-5)) + 4 * U));
        }
        // channels outside the range are left alone
        for (let ch = 0; ch < o.C; ch++) if (ch < o.c0 || ch >= o.c1) expect(mean[ch]).toBe(0);
      }),
      { numRuns: 150 },
    );
  });

  it('gradSums: sum(dy) and sum(dy * xhat) within the summation-order bound of js', () => {
    // the terms dy and (dy * (x - mean)) * invstd are computed alike; only the order of the M additions differs
    fc.assert(
      fc.property(loopCase, (c) => {
        const o = operands(c, false);
        const sumG = new Float64Array(o.C), sumGX = new Float64Array(o.C);
        getKernel<BnLoop>('batchNorm.gradSums', 'simd')({ N: o.N, C: o.C, S: o.S, x: o.x, xo: o.xo, g: o.g, go: o.go, mean: o.mean, invstd: o.invstd, sumG, sumGX }, o.c0, o.c1);
        const M = o.N * o.S;
        for (let ch = o.c0; ch < o.c1; ch++) {
          const pairs = channel(o, ch);
          const absG = pairs.reduce((s, [, g]) => s + Math.abs(g), 0);
          const absGX = pairs.reduce((s, [x, g]) => s + Math.abs(g * (x - o.mean[ch]!) * o.invstd[ch]!), 0);
          expect(Math.abs(sumG[ch]! - o.sumG[ch]!)).toBeLessThanOrEqual(2 * M * U * absG);
          expect(Math.abs(sumGX[ch]! - o.sumGX[ch]!)).toBeLessThanOrEqual(2 * M * U * absGX);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('normalize and inputGrad: simd is exactly js (the same float64 operations, one rounding), NaN and -0 included', () => {
    fc.assert(
      fc.property(loopCase, fc.boolean(), (c, specials) => {
        const o = operands(c, specials);
        const run = (backend: BackendName) => {
          const y = new Float32Array(o.N * o.C * o.S), dxBatch = new Float32Array(y.length), dxEval = new Float32Array(y.length);
          const k = (name: string) => getKernel<BnLoop>(name, backend);
          k('batchNorm.normalize')({ N: o.N, C: o.C, S: o.S, x: o.x, xo: o.xo, y, w: o.w, b: o.b, mean: o.mean, invstd: o.invstd }, o.c0, o.c1);
          const common = { N: o.N, C: o.C, S: o.S, x: o.x, xo: o.xo, g: o.g, go: o.go, w: o.w, mean: o.mean, invstd: o.invstd, sumG: o.sumG, sumGX: o.sumGX };
          k('batchNorm.inputGrad')({ ...common, dx: dxBatch, batch: 1 }, o.c0, o.c1);
          k('batchNorm.inputGrad')({ ...common, dx: dxEval, batch: 0 }, o.c0, o.c1);
          return [exactValues(y), exactValues(dxBatch), exactValues(dxEval)];
        };
        expect(run('simd')).toEqual(run('js'));
      }),
      { numRuns: 150 },
    );
  });

  it('a NaN in a channel makes its statistics NaN on both backends', () => {
    const x = drawValues(3, 2 * 3 * 10, 0);
    x[1 * 10 + 7] = Number.NaN; // image 0, channel 1
    const stats = (backend: BackendName) => {
      const mean = new Float64Array(3), varBiased = new Float64Array(3), invstd = new Float64Array(3);
      getKernel<BnLoop>('batchNorm.stats', backend)({ N: 2, C: 3, S: 10, x, xo: 0, eps: 1e-5, mean, varBiased, invstd }, 0, 3);
      return [Number.isNaN(mean[1]!), Number.isNaN(varBiased[1]!), Number.isNaN(invstd[1]!), Number.isNaN(mean[0]!) || Number.isNaN(mean[2]!)];
    };
    expect(stats('simd')).toEqual([true, true, true, false]);
    expect(stats('js')).toEqual([true, true, true, false]);
  });
});

type Layout = 'contiguous' | 'permuted' | 'sliced';

/** An (N, C, H, W) float32 array of `values` (row-major), laid out contiguously, channels-last, or as a strided slice. */
function laidOut(values: Float32Array, shape: [number, number, number, number], layout: Layout): NDArray {
  const base = NDArray.fromTyped(values, shape);
  if (layout === 'contiguous') return base;
  if (layout === 'permuted') return base.permute([0, 2, 3, 1]).contiguous().permute([0, 3, 1, 2]);
  const [n, c, h, w] = shape;
  const view = zeros([n, c + 1, h, 2 * w + 1], 'float32').slice(1, 1).slice(3, 1, undefined, 2);
  assign(view, base);
  return view;
}

/** Forward (training, updating running stats) and backward of batchNorm on the given backend. */
function forwardBackward(backend: BackendName, x: NDArray, gy: NDArray, seed: number): Record<string, ArrayLike<number>> {
  return onBackend(backend, () => {
    const C = x.shape[1]!;
    const xt = new Tensor(x, true);
    const w = new Tensor(NDArray.fromTyped(drawValues(seed, C, 1), [C]), true);
    const b = new Tensor(NDArray.fromTyped(drawValues(seed + 1, C, 0), [C]), true);
    const runningMean = zeros([C], 'float32');
    const runningVar = ones([C], 'float32');
    const y = batchNorm(xt, w, b, { useBatchStats: true, eps: 1e-5, runningMean, runningVar });
    y.backward(new Tensor(gy));
    const ye = batchNorm(new Tensor(x), w.data, b.data, { useBatchStats: false, eps: 1e-5, runningMean, runningVar });
    return {
      y: y.data.toTyped(), dx: xt.grad!.data.toTyped(), dw: w.grad!.data.toTyped(), db: b.grad!.data.toTyped(),
      runningMean: runningMean.toTyped(), runningVar: runningVar.toTyped(), evalY: ye.data.toTyped(),
    };
  });
}

describe('batchNorm on the simd backend', () => {
  it('forward, backward and running statistics are within the float32 rounding of the summation-order difference', () => {
    // The float64 statistics differ relatively by at most 2M*2^-53 times their conditioning (stats and gradSums
    // above; M <= 4*49 here, conditioning far below 2^14 for these draws): under 2^-30. Every output is float32,
    // so two results are at most one float32 ulp apart plus that difference carried through: the tolerance is
    // ulp32(js) + 2^-30 * max|js| (the max covers the cancellation in dx = k*(dy - mean(dy) - xhat*mean(dy*xhat))).
    const bnCase = fc.record({
      n: fc.integer({ min: 1, max: 4 }), c: fc.integer({ min: 1, max: 17 }), h: fc.integer({ min: 1, max: 7 }), w: fc.integer({ min: 1, max: 7 }),
      seed: fc.integer(), shift: fc.constantFrom(0, 3, -50), layout: fc.constantFrom<Layout>('contiguous', 'permuted', 'sliced'),
    }).filter((c) => c.n * c.h * c.w > 1);
    fc.assert(
      fc.property(bnCase, (c) => {
        const shape: [number, number, number, number] = [c.n, c.c, c.h, c.w];
        const count = c.n * c.c * c.h * c.w;
        const x = laidOut(drawValues(c.seed, count, c.shift), shape, c.layout);
        const gy = laidOut(drawValues(c.seed + 5, count, 0), shape, c.layout);
        const js = forwardBackward('js', x, gy, c.seed);
        const simd = forwardBackward('simd', x, gy, c.seed);
        for (const key of Object.keys(js)) {
          const a = js[key]!;
          const b = simd[key]!;
          let max = 0;
          for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]!));
          for (let i = 0; i < a.length; i++) {
            const tol = ulp32(a[i]!) + 2 ** -30 * max;
            if (!(Math.abs(a[i]! - b[i]!) <= tol)) expect({ key, i, js: a[i], simd: b[i], tol }).toBeUndefined();
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  it('float64 runs the js loops on the simd backend: the same bits', () => {
    const x = NDArray.fromTyped(Float64Array.from(drawValues(9, 3 * 5 * 6 * 7, 2)), [3, 5, 6, 7]);
    const gy = NDArray.fromTyped(Float64Array.from(drawValues(10, 3 * 5 * 6 * 7, 0)), [3, 5, 6, 7]);
    const run = (backend: BackendName) => onBackend(backend, () => {
      const xt = new Tensor(x, true);
      const w = new Tensor(ones([5], 'float64'), true);
      const b = new Tensor(zeros([5], 'float64'), true);
      const y = batchNorm(xt, w, b, { useBatchStats: true, eps: 1e-5 });
      y.backward(new Tensor(gy));
      return [exactValues(y.data.toTyped()), exactValues(xt.grad!.data.toTyped()), exactValues(w.grad!.data.toTyped())];
    });
    expect(run('simd')).toEqual(run('js'));
  });

  it('gives the same bits with 1, 2 and 3 threads', () => {
    // 24 x 16 x 32 x 32: 393k elements, three channel chunks of 131k on the pool
    const shape: [number, number, number, number] = [24, 16, 32, 32];
    const count = 24 * 16 * 32 * 32;
    const x = laidOut(drawValues(21, count, 1), shape, 'contiguous');
    const gy = laidOut(drawValues(22, count, 0), shape, 'contiguous');
    const run = (threads: number) => {
      setNumThreads(threads);
      const r = forwardBackward('simd', x, gy, 3);
      return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, exactValues(v)]));
    };
    const one = run(1);
    const two = run(2);
    expect(poolRunning()).toBe(true);
    const three = run(3);
    setNumThreads(1);
    expect(two).toEqual(one);
    expect(three).toEqual(one);
  });
});
