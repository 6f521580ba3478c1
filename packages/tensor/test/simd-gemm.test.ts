// The simd GEMM against its js twin (gemmAccumulateJs in gemm-kernel.ts) over drawn shapes around the 4x16 (float32)
// and 4x8 (float64) tiles,
// the 128-row and 256-deep blocks, strided and transposed operands, alpha and beta.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { gemm, getBackend, setBackend, setNumThreads, type NDArray } from '../src/index';
import { seededUniform } from './backend-twins';
import { LAYOUTS, withLayout } from './layouts';

const initial = getBackend();
afterEach(() => setBackend(initial));

/** A deterministic stream of values in [-1, 1). */
function values(seed: number, n: number): number[] {
  const next = seededUniform(seed);
  return Array.from({ length: n }, () => next() * 2 - 1);
}

function run(backend: 'js' | 'simd', a: NDArray, b: NDArray, c: NDArray, alpha: number, beta: number): Float32Array {
  setBackend(backend);
  const out = c.clone();
  gemm(a, b, out, { alpha, beta });
  return out.toTyped() as Float32Array;
}

// sizes at and around the tile (4 x 16), the row block (128) and the depth block (256), and 1
const rows = fc.oneof(fc.integer({ min: 1, max: 9 }), fc.constantFrom(15, 16, 17, 127, 128, 129, 131));
const cols = fc.oneof(fc.integer({ min: 1, max: 20 }), fc.constantFrom(31, 32, 33, 47, 65));
const depth = fc.oneof(fc.integer({ min: 1, max: 9 }), fc.constantFrom(255, 256, 257, 300, 520));

describe('simd gemm', () => {
  it('equals the js twin exactly on small integers (every partial sum is exact in float32)', () => {
    setNumThreads(1);
    fc.assert(
      fc.property(rows, cols, depth, fc.constantFrom(...LAYOUTS), fc.constantFrom(...LAYOUTS), fc.integer(), (m, n, k, la, lb, seed) => {
        const ints = (n2: number, s: number) => values(s, n2).map((v) => Math.round(v * 4));
        const a = withLayout(ints(m * k, seed), [m, k], 'float32', la);
        const b = withLayout(ints(k * n, seed + 1), [k, n], 'float32', lb);
        const c = withLayout(ints(m * n, seed + 2), [m, n], 'float32', 'contiguous');
        expect(run('simd', a, b, c, 1, 1)).toEqual(run('js', a, b, c, 1, 1));
        expect(run('simd', a, b, c, 2, 0)).toEqual(run('js', a, b, c, 2, 0));
      }),
      { numRuns: 40 },
    );
  });

  it('agrees with the js twin within the float32 summation bound (k + 2) * 2^-24 * (sum_p |a_ip b_pj| + |beta c_ij|)', () => {
    setNumThreads(1);
    fc.assert(
      fc.property(rows, cols, depth, fc.constantFrom(...LAYOUTS), fc.constantFrom(...LAYOUTS), fc.constantFrom(1, -0.5, 3), fc.constantFrom(0, 1, 0.25), fc.integer(),
        (m, n, k, la, lb, alpha, beta, seed) => {
          const av = values(seed, m * k), bv = values(seed + 7, k * n), cv = values(seed + 9, m * n);
          const a = withLayout(av, [m, k], 'float32', la);
          const b = withLayout(bv, [k, n], 'float32', lb);
          const c = withLayout(cv, [m, n], 'float32', 'contiguous');
          const simd = run('simd', a, b, c, alpha, beta);
          const js = run('js', a, b, c, alpha, beta);
          const af = Float32Array.from(av), bf = Float32Array.from(bv), cf = Float32Array.from(cv);
          for (let i = 0; i < m; i++) {
            for (let j = 0; j < n; j++) {
              let mag = 0;
              for (let p = 0; p < k; p++) mag += Math.abs(af[i * k + p]! * bf[p * n + j]!);
              // js sums in float64 and rounds once; simd rounds each f32 multiply and add: gamma_(k+2) bound
              const bound = (k + 2) * 2 ** -24 * (Math.abs(alpha) * mag + Math.abs(beta * cf[i * n + j]!));
              expect(Math.abs(simd[i * n + j]! - js[i * n + j]!)).toBeLessThanOrEqual(bound);
            }
          }
        }),
      { numRuns: 30 },
    );
  });

  it('float64 (f64x2) agrees with the js twin within (k + 2) * 2^-53 * sum_p |a_ip b_pj| over drawn shapes and layouts', () => {
    setNumThreads(1);
    fc.assert(
      fc.property(rows, cols, depth, fc.constantFrom(...LAYOUTS), fc.constantFrom(...LAYOUTS), fc.integer(), (m, n, k, la, lb, seed) => {
        const av = values(seed, m * k), bv = values(seed + 3, k * n);
        const a = withLayout(av, [m, k], 'float64', la);
        const b = withLayout(bv, [k, n], 'float64', lb);
        const c = withLayout(new Array(m * n).fill(0), [m, n], 'float64', 'contiguous');
        const out = (backend: 'js' | 'simd') => {
          setBackend(backend);
          const o = c.clone();
          gemm(a, b, o, { alpha: 1, beta: 0 });
          return o.toTyped();
        };
        const s = out('simd'), j = out('js');
        for (let i = 0; i < m; i++) {
          for (let q = 0; q < n; q++) {
            let mag = 0;
            for (let p = 0; p < k; p++) mag += Math.abs(av[i * k + p]! * bv[p * n + q]!);
            expect(Math.abs(s[i * n + q]! - j[i * n + q]!)).toBeLessThanOrEqual((k + 2) * 2 ** -53 * mag);
          }
        }
      }),
      { numRuns: 30 },
    );
  });

  it('keeps NaN and Infinity where the js twin has them', () => {
    setNumThreads(1);
    const av = values(4, 6 * 5);
    av[7] = Number.NaN;
    av[12] = Number.POSITIVE_INFINITY;
    const a = withLayout(av, [6, 5], 'float32', 'contiguous');
    const b = withLayout(values(5, 5 * 18).map(Math.abs), [5, 18], 'float32', 'contiguous');
    const c = withLayout(new Array(6 * 18).fill(0), [6, 18], 'float32', 'contiguous');
    const s = run('simd', a, b, c, 1, 0), j = run('js', a, b, c, 1, 0);
    for (let i = 0; i < s.length; i++) {
      if (Number.isFinite(j[i]!)) expect(Math.abs(s[i]! - j[i]!)).toBeLessThan(1e-5);
      else expect(s[i]).toBe(j[i]);
    }
  });
});
