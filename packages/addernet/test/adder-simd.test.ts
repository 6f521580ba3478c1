// The simd adder2d kernels (adder2d.forward, adder2d.inputGrad, adder2d.weightGrad) against their js twins on
// drawn problems, with tolerances derived from float32 rounding; bit-identical results on 1, 2 and 3 threads.
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Generator, NDArray, getBackend, listKernels, poolRunning, randn, setBackend, setNumThreads, shutdown, wasm, type BackendName } from '@adder/tensor';
import { adderBackwardInput, adderBackwardWeight, adderBackwardWeightRaw, adderForward } from '../src/kernels/index';
import { onBackend } from '@adder/tensor/testing/twins';

/** float32 unit roundoff. */
const U = 2 ** -24;
const THREADS = [1, 2, 3];
const saved: BackendName = getBackend();

afterEach(() => setBackend(saved));
afterAll(async () => {
  await shutdown();
  setNumThreads(1);
});

/**
 * Value families: plain normals, wide values (the HardTanh clamp saturates), small integers (exact differences,
 * |w - x| = 1 on the clamp's corners), and ties (weights copied from x: zero differences).
 */
const VALUE_KINDS = ['normal', 'wide', 'integers', 'ties'] as const;
type ValueKind = (typeof VALUE_KINDS)[number];

/** A drawn adder2d problem: batch 1..3, odd sizes, 1x1 and 3x3, strides 1 and 2, paddings 0..2, Cout across the 4- and 16-channel tiles. */
const caseArb = fc.record({
  n: fc.integer({ min: 1, max: 3 }),
  cin: fc.integer({ min: 1, max: 5 }),
  cout: fc.integer({ min: 1, max: 37 }),
  k: fc.constantFrom(1, 3),
  stride: fc.constantFrom(1, 2),
  padding: fc.integer({ min: 0, max: 2 }),
  dh: fc.integer({ min: 0, max: 9 }),
  dw: fc.integer({ min: 0, max: 11 }),
  values: fc.constantFrom(...VALUE_KINDS),
  seed: fc.integer({ min: 0, max: 1e6 }),
});
type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

interface Problem {
  x: NDArray;
  w: NDArray;
  g: NDArray;
  stride: number;
  padding: number;
}

function draw(shape: number[], gen: Generator, std: number, kind: ValueKind): NDArray {
  const a = randn(shape, { dtype: 'float32', std, generator: gen });
  if (kind === 'integers') {
    const d = a.toTyped();
    for (let i = 0; i < d.length; i++) d[i] = Math.round(d[i]!);
  }
  return a;
}

function problem(c: Case): Problem {
  const gen = new Generator(c.seed);
  const h = Math.max(1, c.k - 2 * c.padding + c.dh);
  const wd = Math.max(1, c.k - 2 * c.padding + c.dw);
  const std = c.values === 'wide' ? 30 : c.values === 'integers' ? 2 : 1;
  const x = draw([c.n, c.cin, h, wd], gen, std, c.values);
  const w = draw([c.cout, c.cin, c.k, c.k], gen, c.values === 'normal' ? 0.5 : std, c.values);
  if (c.values === 'ties') {
    const xd = x.toTyped(), wdat = w.toTyped();
    for (let i = 0; i < wdat.length; i++) wdat[i] = xd[(i * 7919) % xd.length]!;
  }
  const ho = Math.floor((h + 2 * c.padding - c.k) / c.stride) + 1;
  const wo = Math.floor((wd + 2 * c.padding - c.k) / c.stride) + 1;
  const g = draw([c.n, c.cout, ho, wo], gen, c.values === 'integers' ? 2 : 1, c.values);
  return { x, w, g, stride: c.stride, padding: c.padding };
}

/** Expects |got[i] - want[i]| <= tol[i] everywhere, naming the worst element. */
function expectWithin(got: NDArray, want: NDArray, tol: Float64Array): void {
  expect([...got.shape]).toEqual([...want.shape]);
  const a = got.contiguous().toTyped(), b = want.contiguous().toTyped();
  let worst = -1, ratio = 0;
  for (let i = 0; i < b.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    const r = d === 0 ? 0 : d / tol[i]!;
    if (!(r <= ratio)) {
      ratio = r;
      worst = i;
    }
  }
  expect(ratio, `element ${worst}: simd ${a[worst]}, js ${b[worst]}, tolerance ${tol[worst]}`).toBeLessThanOrEqual(1);
}

/** Per-window geometry of a problem, for the sums of |terms| the tolerances scale with. */
function dims(p: Problem) {
  const [n, cin, h, w] = p.x.shape as [number, number, number, number];
  const [cout, , kh, kw] = p.w.shape as [number, number, number, number];
  const [, , ho, wo] = p.g.shape as [number, number, number, number];
  return { n, cin, h, w, cout, kh, kw, ho, wo, kSize: cin * kh * kw };
}

/** Calls visit(n, co, oh, ow, ci, i, j, xIndex or -1 for a padded tap) over every term of the layer. */
function eachTerm(p: Problem, visit: (n: number, co: number, pos: number, ci: number, tap: number, xi: number) => void): void {
  const { n, cin, h, w, cout, kh, kw, ho, wo } = dims(p);
  for (let b = 0; b < n; b++) {
    for (let co = 0; co < cout; co++) {
      for (let oh = 0; oh < ho; oh++) {
        for (let ow = 0; ow < wo; ow++) {
          for (let ci = 0; ci < cin; ci++) {
            for (let i = 0; i < kh; i++) {
              for (let j = 0; j < kw; j++) {
                const ih = oh * p.stride - p.padding + i, iw = ow * p.stride - p.padding + j;
                const xi = ih >= 0 && ih < h && iw >= 0 && iw < w ? ((b * cin + ci) * h + ih) * w + iw : -1;
                visit(b, co, oh * wo + ow, ci, (ci * kh + i) * kw + j, xi);
              }
            }
          }
        }
      }
    }
  }
}

describe.skipIf(!wasm.simdSupported())('simd adder2d kernels vs their js twins', () => {
  it('registers adder2d.forward, adder2d.inputGrad and adder2d.weightGrad on both backends', () => {
    const names = new Map(listKernels().map((k) => [k.name, k.backends]));
    for (const name of ['adder2d.forward', 'adder2d.inputGrad', 'adder2d.weightGrad']) expect(names.get(name)).toEqual(['js', 'simd']);
  });

  it('forward: |simd - js| <= (K + 2) u |Y| (K float32 terms |x - w| >= 0 summed in float32; js rounds once)', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const p = problem(c);
        const js = onBackend('js', () => adderForward(p.x, p.w, p.stride, p.padding));
        const simd = onBackend('simd', () => adderForward(p.x, p.w, p.stride, p.padding));
        const k = dims(p).kSize;
        const want = js.toTyped();
        expectWithin(simd, js, Float64Array.from(want, (v) => (k + 2) * U * Math.abs(v)));
      }),
      { numRuns: 150 },
    );
  });

  it('input gradient: |simd - js| <= (m + 3) u S per pixel, S = sum of its m <= Cout*kh*kw terms |clamp(w - x, -1, 1) g|', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const p = problem(c);
        const js = onBackend('js', () => adderBackwardInput(p.x, p.w, p.g, p.stride, p.padding));
        const simd = onBackend('simd', () => adderBackwardInput(p.x, p.w, p.g, p.stride, p.padding));
        const { cout, kh, kw, kSize, ho, wo } = dims(p);
        const x = p.x.toTyped(), w = p.w.toTyped(), g = p.g.toTyped();
        const s = new Float64Array(x.length);
        eachTerm(p, (n, co, pos, _ci, tap, xi) => {
          if (xi < 0) return;
          const d = Math.min(1, Math.max(-1, w[co * kSize + tap]! - x[xi]!));
          s[xi] += Math.abs(d * g[(n * cout + co) * ho * wo + pos]!);
        });
        const m = cout * kh * kw;
        expectWithin(simd, js, s.map((v) => (m + 3) * U * v));
      }),
      { numRuns: 150 },
    );
  });

  it('weight gradient (raw): |simd - js| <= (m + N ceil(P/256) + 4) u (sum |G X| + |W rowsum G|), m = N P products', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const p = problem(c);
        const js = onBackend('js', () => adderBackwardWeightRaw(p.x, p.w, p.g, p.stride, p.padding));
        const simd = onBackend('simd', () => adderBackwardWeightRaw(p.x, p.w, p.g, p.stride, p.padding));
        const { n, cout, kSize, ho, wo } = dims(p);
        const pSize = ho * wo;
        const x = p.x.toTyped(), w = p.w.toTyped(), g = p.g.toTyped();
        const a = new Float64Array(cout * kSize);
        eachTerm(p, (b, co, pos, _ci, tap, xi) => {
          if (xi >= 0) a[co * kSize + tap] += Math.abs(g[(b * cout + co) * pSize + pos]! * x[xi]!);
        });
        for (let co = 0; co < cout; co++) {
          let rowSum = 0;
          for (let b = 0; b < n; b++) for (let q = 0; q < pSize; q++) rowSum += g[(b * cout + co) * pSize + q]!;
          for (let k = 0; k < kSize; k++) a[co * kSize + k] += Math.abs(w[co * kSize + k]! * rowSum);
        }
        const factor = (n * pSize + n * Math.ceil(pSize / 256) + 4) * U;
        expectWithin(simd, js, a.map((v) => factor * v));
      }),
      { numRuns: 150 },
    );
  });

  it('float64 stays on the js kernels: the simd backend gives the js bits', () => {
    const gen = new Generator(3);
    const x = randn([2, 3, 9, 7], { dtype: 'float64', generator: gen });
    const w = randn([6, 3, 3, 3], { dtype: 'float64', generator: gen });
    const g = randn([2, 6, 5, 4], { dtype: 'float64', generator: gen });
    const run = () => [adderForward(x, w, 2, 1), adderBackwardInput(x, w, g, 2, 1), adderBackwardWeight(x, w, g, 2, 1)].map((r) => [...r.toTyped()]);
    expect(onBackend('simd', run)).toEqual(onBackend('js', run));
  });
});

function bits(a: NDArray): number[] {
  const d = a.contiguous().data;
  return [...new Uint32Array(d.buffer, d.byteOffset, d.byteLength / 4)];
}

describe.skipIf(!wasm.simdSupported())('simd adder2d kernels on 1, 2 and 3 threads', () => {
  // large enough that forward, dX and dW split into several chunks; Cout across the 16-channel tile, odd rows
  const cases = [
    { x: [4, 16, 32, 32], w: [20, 16, 3, 3], stride: 1, padding: 1 },
    { x: [3, 12, 41, 39], w: [10, 12, 3, 3], stride: 2, padding: 1 },
    { x: [4, 24, 30, 30], w: [36, 24, 1, 1], stride: 2, padding: 0 },
  ];
  for (const c of cases) {
    it(`forward, dX and dW are bit-identical (x ${c.x.join('x')}, w ${c.w.join('x')}, stride ${c.stride})`, () => {
      setBackend('simd');
      const gen = new Generator(11);
      const x = randn(c.x, { dtype: 'float32', generator: gen });
      const w = randn(c.w, { dtype: 'float32', generator: gen, std: 0.5 });
      const y0 = adderForward(x, w, c.stride, c.padding);
      const g = randn([...y0.shape], { dtype: 'float32', generator: gen });
      const results = THREADS.map((t) => {
        setNumThreads(t);
        const r = [adderForward(x, w, c.stride, c.padding), adderBackwardInput(x, w, g, c.stride, c.padding), adderBackwardWeight(x, w, g, c.stride, c.padding)];
        expect(poolRunning()).toBe(t > 1);
        return r.map(bits);
      });
      setNumThreads(1);
      for (let k = 0; k < 3; k++) {
        expect(results[1]![k]).toEqual(results[0]![k]);
        expect(results[2]![k]).toEqual(results[0]![k]);
      }
    });
  }
});
