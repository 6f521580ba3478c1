// gather, scatterAdd, indexSelect and oneHot against naive loops on strided inputs; allclose and equal.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as T from '../src/index';
import { arrayOfShape, expectDense, shapeArb } from './arbitraries';
import { gatherRef, indexSelectRef, oneHotRef, scatterAddRef } from './oracle';

const RUNS = { numRuns: 50 };

/** An input shape with 4 entries along `axis` (index values are drawn in 0..3), and the axis. */
const inputAxisArb = shapeArb({ minDims: 1, maxDims: 3, maxSize: 3 }).chain((s) =>
  fc.integer({ min: 0, max: s.length - 1 }).map((ax) => [s.map((d, i) => (i === ax ? 4 : d)), ax] as const),
);

/** An index shape no larger than `s` off the axis, any length 1..3 on it. */
function indexShapeArb(s: readonly number[], ax: number): fc.Arbitrary<number[]> {
  return fc.tuple(...s.map((d, i) => fc.integer({ min: i === ax ? 0 : 1, max: i === ax ? 3 : d })));
}

describe('gather and scatterAdd', () => {
  it('gather matches the naive loop', () => {
    const arb = inputAxisArb.chain(([s, ax]) =>
      fc.tuple(arrayOfShape(s, 'float32'), indexShapeArb(s, ax).chain((is) => arrayOfShape(is, 'int32', 'index')), fc.constant(ax), fc.boolean()),
    );
    fc.assert(
      fc.property(arb, ([a, index, ax, neg]) => {
        const got = T.gather(a.arr, neg ? ax - a.ref.shape.length : ax, index.arr);
        expect(got.dtype).toBe('float32');
        expectDense(got, gatherRef(a.ref, ax, index.ref));
      }),
      RUNS,
    );
  });

  it('scatterAdd matches the naive loop (repeated indices accumulate; src may be larger than index)', () => {
    const arb = inputAxisArb.chain(([s, ax]) =>
      indexShapeArb(s, ax).chain((is) =>
        fc.tuple(
          fc.constant(s),
          fc.constant(ax),
          arrayOfShape(is, 'int32', 'index'),
          fc.array(fc.integer({ min: 0, max: 1 }), { minLength: is.length, maxLength: is.length }).chain((extra) => arrayOfShape(is.map((d, i) => d + extra[i]!), 'float64')),
        ),
      ),
    );
    fc.assert(
      fc.property(arb, ([s, ax, index, src]) => {
        expectDense(T.scatterAdd(s, ax, index.arr, src.arr), scatterAddRef(s, ax, index.ref, src.ref));
      }),
      RUNS,
    );
  });

  it('scatterAdd is the adjoint of gather: <gather(x), y> = <x, scatterAdd(y)>', () => {
    const x = T.arange(12, undefined, 1, 'float64').reshape([3, 4]);
    const index = T.fromArray([[0, 3, 3], [2, 2, 1]], 'int32');
    const y = T.fromArray([[1, 2, 3], [4, 5, 6]], 'float64');
    const lhs = T.sum(T.mul(T.gather(x, 1, index), y)).item();
    const rhs = T.sum(T.mul(x, T.scatterAdd([3, 4], 1, index, y))).item();
    expect(lhs).toBe(rhs);
  });
});

describe('indexSelect and oneHot', () => {
  it('indexSelect matches the naive loop', () => {
    const arb = inputAxisArb.chain(([s, ax]) =>
      fc.tuple(arrayOfShape(s, 'int32', 'int'), fc.integer({ min: 0, max: 5 }).chain((n) => arrayOfShape([n], 'int32', 'index')), fc.constant(ax)),
    );
    fc.assert(
      fc.property(arb, ([a, index, ax]) => {
        expectDense(T.indexSelect(a.arr, ax, index.arr), indexSelectRef(a.ref, ax, index.ref.data));
      }),
      RUNS,
    );
  });

  it('indexSelect on a 0-d input returns it (as torch.index_select)', () => {
    const got = T.indexSelect(T.scalar(5), 0, T.fromArray([0], 'int32'));
    expect([...got.shape]).toEqual([]);
    expect(got.item()).toBe(5);
  });

  it('oneHot matches the naive loop in each output dtype', () => {
    const arb = fc.tuple(
      shapeArb({ maxDims: 3, maxSize: 3 }).chain((s) => arrayOfShape(s, 'int32', 'index')),
      fc.integer({ min: 4, max: 6 }),
      fc.constantFrom('float32' as const, 'float64' as const, 'int32' as const),
    );
    fc.assert(
      fc.property(arb, ([index, classes, dt]) => {
        const got = T.oneHot(index.arr, classes, dt);
        expect(got.dtype).toBe(dt);
        expectDense(got, oneHotRef(index.ref, classes));
      }),
      RUNS,
    );
  });
});

describe('allclose and equal', () => {
  it('allclose uses |a - b| <= atol + rtol |b| elementwise', () => {
    const a = T.fromArray([1, 2, 3], 'float64');
    expect(T.allclose(a, T.fromArray([1, 2, 3 + 5e-5], 'float64'))).toBe(false);
    expect(T.allclose(a, T.fromArray([1, 2, 3 + 5e-5], 'float64'), 2e-5)).toBe(true);
    expect(T.allclose(a, T.fromArray([1, 2, 3.5], 'float64'), 0, 0.5)).toBe(true);
    expect(T.allclose(a, T.fromArray([1, 2, 3.5], 'float64'), 0, 0.49)).toBe(false);
    expect(T.allclose(a, T.fromArray([1, 2], 'float64'))).toBe(false);
  });

  it('allclose agrees with the elementwise predicate on drawn strided pairs', () => {
    const arb = shapeArb({ maxDims: 3 }).chain((s) => fc.tuple(arrayOfShape(s, 'float64'), arrayOfShape(s, 'float64'), fc.constantFrom(0, 1e-3, 0.5), fc.constantFrom(0, 0.125, 1)));
    fc.assert(
      fc.property(arb, ([a, b, rtol, atol]) => {
        const want = a.ref.data.every((x, i) => Math.abs(x - b.ref.data[i]!) <= atol + rtol * Math.abs(b.ref.data[i]!));
        expect(T.allclose(a.arr, b.arr, rtol, atol)).toBe(want);
        expect(T.allclose(a.arr, a.arr.clone(), 0, 0)).toBe(true);
        expect(T.equal(a.arr, b.arr)).toBe(a.ref.data.every((x, i) => x === b.ref.data[i]));
      }),
      RUNS,
    );
  });

  it('allclose: NaN is never close, equal infinities are, unequal or one-sided infinities are not', () => {
    const f = (xs: number[]): T.NDArray => T.fromArray(xs, 'float64');
    expect(T.allclose(f([NaN]), f([NaN]))).toBe(false);
    expect(T.allclose(f([Infinity]), f([Infinity]))).toBe(true);
    expect(T.allclose(f([Infinity]), f([-Infinity]))).toBe(false);
    expect(T.allclose(f([5]), f([Infinity]))).toBe(false);
    expect(T.allclose(f([Infinity]), f([5]))).toBe(false);
  });

  it('allclose and equal read strided views', () => {
    const a = T.arange(6, undefined, 1, 'float64').reshape([2, 3]);
    const b = T.fromArray([[0, 3], [1, 4], [2, 5]], 'float64');
    expect(T.allclose(a.transpose(), b)).toBe(true);
    expect(T.equal(a.transpose(), b)).toBe(true);
    expect(T.equal(a.transpose().flip(0), b)).toBe(false);
  });

  it('equal needs the same dtype and shape; NaN equals NaN in float arrays', () => {
    expect(T.equal(T.fromArray([1, 2], 'float32'), T.fromArray([1, 2], 'float64'))).toBe(false);
    expect(T.equal(T.fromArray([1, 2]), T.fromArray([[1, 2]]))).toBe(false);
    expect(T.equal(T.fromArray([NaN, 2]), T.fromArray([NaN, 2]))).toBe(true);
    expect(T.equal(T.fromArray([1, 2], 'int32'), T.fromArray([1, 3], 'int32'))).toBe(false);
  });
});
