// Reductions against the oracle over random axis sets (negative axes, keepdim) on strided inputs:
// sum, mean, max/min, argmax/argmin, var (biased and unbiased), logsumexp (and its stability), topk.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as T from '../src/index';
import type { DType } from '../src/index';
import { type Drawn, arrayOfShape, expectDense, roundTo, shapeArb } from './arbitraries';
import { type Dense, numel, ravel, reduceRef, unravel } from './oracle';

const RUNS = { numRuns: 50 };

/** A drawn array, a set of axes to reduce (as given: maybe negative, maybe undefined = all) and keepdim. */
function reductionArb(dtype: DType, minSize = 1): fc.Arbitrary<[Drawn, number[] | undefined, number[], boolean]> {
  return shapeArb({ maxDims: 4, minSize }).chain((s) =>
    fc.tuple(
      arrayOfShape(s, dtype, dtype === 'int32' ? 'int' : dtype === 'uint8' ? 'uint8' : 'float'),
      fc.option(fc.subarray(s.map((_, i) => i)), { freq: 4 }),
      fc.array(fc.boolean(), { minLength: s.length, maxLength: s.length }),
      fc.boolean(),
    ).map(([d, axes, negate, keep]) => {
      const given = axes === null ? undefined : axes.map((a) => (negate[a] ? a - s.length : a));
      const norm = axes === null ? s.map((_, i) => i) : axes;
      return [d, given, norm, keep] as [Drawn, number[] | undefined, number[], boolean];
    }),
  );
}

const sumOf = (xs: number[]): number => xs.reduce((p, x) => p + x, 0);
const meanOf = (xs: number[]): number => sumOf(xs) / xs.length;
const varOf = (xs: number[], ddof: number): number => {
  const m = meanOf(xs);
  return sumOf(xs.map((x) => (x - m) * (x - m))) / (xs.length - ddof);
};
const rounded = (dt: DType, d: Dense): Dense => ({ shape: d.shape, data: d.data.map((v) => roundTo(dt, v)) });

describe('sum, mean, var, logsumexp over axis sets', () => {
  it('sum in every dtype (uint8 sums into int32)', () => {
    const arb = fc.constantFrom<DType>('float32', 'float64', 'int32', 'uint8').chain((dt) => reductionArb(dt, 0).map((r) => [dt, ...r] as const));
    fc.assert(
      fc.property(arb, ([dt, { arr, ref }, axes, norm, keep]) => {
        const got = T.sum(arr, axes, keep);
        const outDt = dt === 'uint8' ? 'int32' : dt;
        expect(got.dtype).toBe(outDt);
        expectDense(got, rounded(outDt, reduceRef(ref, norm, keep, sumOf)), 1e-12);
      }),
      RUNS,
    );
  });

  it('a uint8 comparison mask sums past 255', () => {
    const m = T.eq(T.zeros([300]), 0);
    expect(T.sum(m).item()).toBe(300);
  });

  it('mean', () => {
    const arb = fc.constantFrom<DType>('float32', 'float64').chain((dt) => reductionArb(dt).map((r) => [dt, ...r] as const));
    fc.assert(
      fc.property(arb, ([dt, { arr, ref }, axes, norm, keep]) => {
        expectDense(T.mean(arr, axes, keep), rounded(dt, reduceRef(ref, norm, keep, meanOf)), 1e-12);
      }),
      RUNS,
    );
  });

  it('variance, unbiased (n-1, the default) and biased (n)', () => {
    const arb = fc.constantFrom<DType>('float32', 'float64').chain((dt) => reductionArb(dt).map((r) => [dt, ...r] as const));
    fc.assert(
      fc.property(arb, ([dt, { arr, ref }, axes, norm, keep]) => {
        const tol = dt === 'float32' ? 1e-6 : 1e-12;
        expectDense(T.variance(arr, axes, keep), rounded(dt, reduceRef(ref, norm, keep, (xs) => (xs.length > 1 ? varOf(xs, 1) : NaN))), tol, tol);
        expectDense(T.variance(arr, axes, keep, false), rounded(dt, reduceRef(ref, norm, keep, (xs) => varOf(xs, 0))), tol, tol);
      }),
      RUNS,
    );
  });

  it('logsumexp matches log(sum(exp)) on moderate values', () => {
    const arb = fc.constantFrom<DType>('float32', 'float64').chain((dt) => reductionArb(dt).map((r) => [dt, ...r] as const));
    fc.assert(
      fc.property(arb, ([dt, { arr, ref }, axes, norm, keep]) => {
        const tol = dt === 'float32' ? 1e-6 : 1e-13;
        const want = reduceRef(ref, norm, keep, (xs) => Math.log(sumOf(xs.map((x) => Math.E ** x))));
        expectDense(T.logsumexp(arr, axes, keep), rounded(dt, want), tol, tol);
      }),
      RUNS,
    );
  });

  it('logsumexp is stable for large and very negative inputs (m + log sum exp(x - m))', () => {
    const arb = fc.tuple(fc.array(fc.integer({ min: -40, max: 40 }).map((v) => v / 8), { minLength: 1, maxLength: 8 }), fc.constantFrom(1000, -1000, 5e5, -5e5));
    fc.assert(
      fc.property(arb, ([xs, shift]) => {
        const small = Math.log(sumOf(xs.map((x) => Math.E ** x)));
        const got = T.logsumexp(T.fromArray(xs.map((x) => x + shift), 'float64')).item();
        expect(Number.isFinite(got)).toBe(true);
        expect(Math.abs(got - (small + shift))).toBeLessThanOrEqual(1e-9 * Math.abs(shift));
      }),
      RUNS,
    );
    expect(T.logsumexp(T.fromArray([-Infinity, -Infinity], 'float64')).item()).toBe(-Infinity);
    expect(T.logsumexp(T.fromArray([Infinity, 1], 'float64')).item()).toBe(Infinity);
    expect(T.logsumexp(T.fromArray([NaN, 1], 'float64')).item()).toBeNaN();
  });
});

describe('reductions into out', () => {
  it('sum, mean, variance and logsumexp write into a given out and return it', () => {
    const arb = reductionArb('float64');
    fc.assert(
      fc.property(arb, ([{ arr, ref }, axes, norm, keep]) => {
        const shape = reduceRef(ref, norm, keep, sumOf).shape;
        const checks: [(out: T.NDArray) => T.NDArray, Dense][] = [
          [(o) => T.sum(arr, axes, keep, o), reduceRef(ref, norm, keep, sumOf)],
          [(o) => T.mean(arr, axes, keep, o), reduceRef(ref, norm, keep, meanOf)],
          [(o) => T.variance(arr, axes, keep, false, o), reduceRef(ref, norm, keep, (xs) => varOf(xs, 0))],
          [(o) => T.logsumexp(arr, axes, keep, o), reduceRef(ref, norm, keep, (xs) => Math.log(sumOf(xs.map((x) => Math.E ** x))))],
        ];
        for (const [run, want] of checks) {
          const out = T.full(shape, 123, 'float64');
          const v = out.storage.version;
          expect(run(out)).toBe(out);
          expect(out.storage.version).toBeGreaterThan(v);
          expectDense(out, want, 1e-12, 1e-12);
        }
      }),
      RUNS,
    );
  });

  it('an out that shares the input buffer still gets the right values', () => {
    const a = T.arange(6, undefined, 1, 'float64');
    const out = a.narrow(0, 0, 2);
    T.sum(a.reshape([2, 3]), 1, false, out);
    expect(Array.from(a.toTyped())).toEqual([3, 12, 2, 3, 4, 5]);
    expect(() => T.sum(a.reshape([2, 3]), 1, false, T.zeros([3], 'float64'))).toThrow(/^sum: out has shape \[3\], expected \[2\]/);
    expect(() => T.mean(a.reshape([2, 3]), 1, false, T.zeros([2]))).toThrow(/^mean: out has dtype float32, expected float64/);
  });
});

describe('max, min, argmax, argmin', () => {
  it('max and min over axis sets, any dtype, NaN propagating', () => {
    const arb = fc.constantFrom<DType>('float32', 'float64', 'int32', 'uint8').chain((dt) => reductionArb(dt).map((r) => [dt, ...r] as const));
    fc.assert(
      fc.property(arb, ([dt, { arr, ref }, axes, norm, keep]) => {
        const mx = (xs: number[]): number => xs.reduce((m, x) => (Number.isNaN(m) || Number.isNaN(x) ? NaN : x > m ? x : m), -Infinity);
        const mn = (xs: number[]): number => xs.reduce((m, x) => (Number.isNaN(m) || Number.isNaN(x) ? NaN : x < m ? x : m), Infinity);
        expectDense(T.max(arr, axes, keep), reduceRef(ref, norm, keep, mx));
        expectDense(T.min(arr, axes, keep), reduceRef(ref, norm, keep, mn));
        expect(T.max(arr, axes, keep).dtype).toBe(dt);
      }),
      RUNS,
    );
    const n = T.fromArray([[1, NaN, 3], [4, 5, 6]], 'float64');
    expect(Array.from(T.max(n, 1).toTyped())).toEqual([NaN, 6]);
    expect(Array.from(T.min(n, 0).toTyped())).toEqual([1, NaN, 3]);
  });

  it('argmax/argmin give the first index of the extreme along one axis (flat index for all axes)', () => {
    const arb = shapeArb({ minDims: 1, maxDims: 3, maxSize: 4 }).chain((s) =>
      fc.tuple(arrayOfShape(s, 'float32', 'index'), fc.option(fc.integer({ min: -s.length, max: s.length - 1 })), fc.boolean()),
    );
    fc.assert(
      fc.property(arb, ([{ arr, ref }, axis, keep]) => {
        const norm = axis === null ? ref.shape.map((_, i) => i) : [axis < 0 ? axis + ref.shape.length : axis];
        // the oracle's groups list elements in row-major order, so the position in the group is the index along the axis
        const firstArg = (better: (x: number, y: number) => boolean) => (xs: number[]): number =>
          xs.reduce((bi, x, i) => (better(x, xs[bi]!) ? i : bi), 0);
        const am = T.argmax(arr, axis ?? undefined, keep);
        expect(am.dtype).toBe('int32');
        expectDense(am, reduceRef(ref, norm, keep, firstArg((x, y) => x > y)));
        expectDense(T.argmin(arr, axis ?? undefined, keep), reduceRef(ref, norm, keep, firstArg((x, y) => x < y)));
        const mw = T.maxWithIndices(arr, axis ?? undefined, keep);
        expectDense(mw.values, reduceRef(ref, norm, keep, (xs) => Math.max(...xs)));
        expectDense(mw.indices, reduceRef(ref, norm, keep, firstArg((x, y) => x > y)));
        expectDense(T.minWithIndices(arr, axis ?? undefined, keep).indices, reduceRef(ref, norm, keep, firstArg((x, y) => x < y)));
        const nw = T.minWithIndices(arr, axis ?? undefined, keep);
        expectDense(nw.values, reduceRef(ref, norm, keep, (xs) => Math.min(...xs)));
      }),
      RUNS,
    );
  });

  it('argmax over all axes is the flat row-major index, on a non-contiguous input', () => {
    const a = T.arange(12, undefined, 1, 'float64').reshape([3, 4]).transpose();
    // a[i][j] = 4j + i; the max 11 sits at (3, 2), flat 3*3+2 = 11
    expect(T.argmax(a).item()).toBe(11);
    expect(T.argmin(a).item()).toBe(0);
    const u = unravel(T.argmax(a).item(), [4, 3]);
    expect(a.get(...u)).toBe(11);
  });
});

describe('topk', () => {
  it('k largest or smallest along an axis, sorted, with indices', () => {
    const arb = shapeArb({ minDims: 1, maxDims: 3, maxSize: 5 }).chain((s) =>
      fc.integer({ min: 0, max: s.length - 1 }).chain((ax) =>
        fc.tuple(arrayOfShape(s, 'float64'), fc.constant(ax), fc.integer({ min: 0, max: s[ax]! }), fc.boolean(), fc.boolean()),
      ),
    );
    fc.assert(
      fc.property(arb, ([{ arr, ref }, ax, k, largest, negAxis]) => {
        const { values, indices } = T.topk(arr, k, negAxis ? ax - ref.shape.length : ax, largest);
        const outShape = [...ref.shape];
        outShape[ax] = k;
        expect([...values.shape]).toEqual(outShape);
        expect([...indices.shape]).toEqual(outShape);
        expect(indices.dtype).toBe('int32');
        // every output row: values sorted, each value equals the input at its index, and the multiset is the k extremes
        const v = values.toTyped();
        const ix = indices.toTyped();
        for (let f = 0; f < numel(outShape); f++) {
          const idx = unravel(f, outShape);
          const src = [...idx];
          src[ax] = ix[f]!;
          expect(arr.get(...src)).toBe(v[f]);
        }
        const col = (flatOut: number[], base: number[]): number[] =>
          Array.from({ length: k }, (_, j) => {
            const i = [...base];
            i[ax] = j;
            return flatOut[ravel(i, outShape)]!;
          });
        const seenRows = new Set<string>();
        for (let f = 0; f < numel(outShape); f++) {
          const base = unravel(f, outShape);
          base[ax] = 0;
          const key = base.join(',');
          if (seenRows.has(key)) continue;
          seenRows.add(key);
          const row = Array.from({ length: ref.shape[ax]! }, (_, j) => {
            const i = [...base];
            i[ax] = j;
            return ref.data[ravel(i, ref.shape)]!;
          });
          const sorted = [...row].sort((x, y) => (largest ? y - x : x - y)).slice(0, k);
          expect(col(Array.from(v), base)).toEqual(sorted);
          const gotIdx = col(Array.from(ix), base);
          expect(new Set(gotIdx).size).toBe(k);
        }
      }),
      RUNS,
    );
  });

  it('ties keep index order and NaN counts as the largest (as torch.topk)', () => {
    const a = T.fromArray([2, NaN, 5, 2, 5], 'float64');
    const big = T.topk(a, 3);
    expect(Array.from(big.values.toTyped())).toEqual([NaN, 5, 5]);
    expect(Array.from(big.indices.toTyped())).toEqual([1, 2, 4]);
    const small = T.topk(a, 2, 0, false);
    expect(Array.from(small.values.toTyped())).toEqual([2, 2]);
    expect(Array.from(small.indices.toTyped())).toEqual([0, 3]);
  });
});
