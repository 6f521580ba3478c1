// Every element-wise op against the oracle on strided inputs of every layout, in each dtype it accepts,
// with scalar operands and with `out` (including an out that aliases an input).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as T from '../src/index';
import type { DType, NDArray } from '../src/index';
import { arrayOfShape, expectDense, roundTo, shapeArb, type ValueKind } from './arbitraries';
import { at, binaryRef, broadcastIndex, build, unaryRef } from './oracle';

const RUNS = { numRuns: 40 };

/** Two broadcastable shapes (dims set to 1 and leading dims dropped from one output shape). */
const pairShapeArb = shapeArb({ maxDims: 3, maxSize: 3 }).chain((out) =>
  fc
    .tuple(fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }), fc.integer({ min: 0, max: out.length }))
    .map(([mask, drop]) => [out, out.map((d, i) => (mask[i] ? 1 : d)).slice(drop)] as const),
);

type BinFn = (a: NDArray | number, b: NDArray | number, out?: NDArray) => NDArray;
interface BinCase {
  fn: BinFn;
  ref: (x: number, y: number) => number;
  dtypes: DType[];
  kind?: ValueKind;
  mask?: boolean;
}

// Reference semantics written from the definitions (maximum/minimum propagate NaN, as torch.maximum).
const nanMax = (x: number, y: number): number => (Number.isNaN(x) || Number.isNaN(y) ? NaN : x > y ? x : y);
const nanMin = (x: number, y: number): number => (Number.isNaN(x) || Number.isNaN(y) ? NaN : x < y ? x : y);
const ALL: DType[] = ['float32', 'float64', 'int32', 'uint8'];
const FLOATS: DType[] = ['float32', 'float64'];

const BINARY: Record<string, BinCase> = {
  add: { fn: T.add, ref: (x, y) => x + y, dtypes: ALL },
  sub: { fn: T.sub, ref: (x, y) => x - y, dtypes: ALL },
  mul: { fn: T.mul, ref: (x, y) => x * y, dtypes: ALL },
  div: { fn: T.div, ref: (x, y) => x / y, dtypes: FLOATS },
  pow: { fn: T.pow, ref: (x, y) => x ** y, dtypes: FLOATS, kind: 'positive' },
  maximum: { fn: T.maximum, ref: nanMax, dtypes: ALL },
  minimum: { fn: T.minimum, ref: nanMin, dtypes: ALL },
  eq: { fn: T.eq, ref: (x, y) => (x === y ? 1 : 0), dtypes: ALL, mask: true },
  ne: { fn: T.ne, ref: (x, y) => (x !== y ? 1 : 0), dtypes: ALL, mask: true },
  lt: { fn: T.lt, ref: (x, y) => (x < y ? 1 : 0), dtypes: ALL, mask: true },
  le: { fn: T.le, ref: (x, y) => (x <= y ? 1 : 0), dtypes: ALL, mask: true },
  gt: { fn: T.gt, ref: (x, y) => (x > y ? 1 : 0), dtypes: ALL, mask: true },
  ge: { fn: T.ge, ref: (x, y) => (x >= y ? 1 : 0), dtypes: ALL, mask: true },
};

/** Values kind for a dtype (small values so products and powers stay exact enough). */
function kindFor(dtype: DType, kind: ValueKind | undefined): ValueKind {
  if (dtype === 'uint8') return 'uint8';
  if (dtype === 'int32') return 'int';
  return kind ?? 'float';
}

describe('binary ops', () => {
  for (const [name, c] of Object.entries(BINARY)) {
    it(`${name} matches the oracle over dtypes, layouts and broadcasting`, () => {
      const arb = fc.constantFrom(...c.dtypes).chain((dt) =>
        pairShapeArb.chain(([sa, sb]) => fc.tuple(fc.constant(dt), arrayOfShape(sa, dt, kindFor(dt, c.kind)), arrayOfShape(sb, dt, kindFor(dt, c.kind)), fc.boolean())),
      );
      fc.assert(
        fc.property(arb, ([dt, a, b, swap]) => {
          const [x, y] = swap ? [b, a] : [a, b];
          const want = binaryRef(x.ref, y.ref, c.ref);
          const outDt = c.mask ? 'uint8' : dt;
          const rounded = { shape: want.shape, data: want.data.map((v) => roundTo(outDt, v)) };
          const rtol = name === 'pow' ? (dt === 'float32' ? 1e-6 : 1e-14) : 0;
          const got = c.fn(x.arr, y.arr);
          expect(got.dtype).toBe(outDt);
          expectDense(got, rounded, rtol);
          // out variant writes into the given array and returns it
          const out = T.zeros(want.shape, outDt);
          const v = out.storage.version;
          expect(c.fn(x.arr, y.arr, out)).toBe(out);
          expect(out.storage.version).toBeGreaterThan(v);
          expectDense(out, rounded, rtol);
        }),
        RUNS,
      );
    });
  }

  it('number operands broadcast as 0-d arrays of the tensor dtype, on either side', () => {
    const arb = shapeArb({ maxDims: 3 }).chain((s) => fc.tuple(arrayOfShape(s, 'float64'), fc.integer({ min: -20, max: 20 }).map((v) => v / 4)));
    fc.assert(
      fc.property(arb, ([a, s]) => {
        expectDense(T.sub(a.arr, s), { shape: a.ref.shape, data: a.ref.data.map((x) => x - s) });
        expectDense(T.sub(s, a.arr), { shape: a.ref.shape, data: a.ref.data.map((x) => s - x) });
        expectDense(T.lt(s, a.arr), { shape: a.ref.shape, data: a.ref.data.map((x) => (s < x ? 1 : 0)) });
        expectDense(T.mulScalar(a.arr, s), { shape: a.ref.shape, data: a.ref.data.map((x) => x * s) });
        expectDense(T.addScalar(a.arr, s), { shape: a.ref.shape, data: a.ref.data.map((x) => x + s) });
      }),
      RUNS,
    );
  });

  it('int32 results wrap like int32 arithmetic and uint8 like bytes', () => {
    const big = T.fromArray(new Int32Array([2147483647, -2147483648]));
    expect(Array.from(T.add(big, 1).toTyped())).toEqual([-2147483648, -2147483647]);
    const bytes = T.fromArray(new Uint8Array([250, 3]));
    expect(Array.from(T.add(bytes, 10).toTyped())).toEqual([4, 13]);
    expect(Array.from(T.sub(bytes, 4).toTyped())).toEqual([246, 255]);
  });

  it('NaN propagates through maximum and minimum on either side', () => {
    const a = T.fromArray([NaN, 1, 2], 'float64');
    const b = T.fromArray([0, NaN, 1], 'float64');
    expect(Array.from(T.maximum(a, b).toTyped())).toEqual([NaN, NaN, 2]);
    expect(Array.from(T.minimum(a, b).toTyped())).toEqual([NaN, NaN, 1]);
  });
});

type UnFn = (a: NDArray, out?: NDArray) => NDArray;
interface UnCase {
  fn: UnFn;
  ref: (x: number) => number;
  dtypes: DType[];
  rtol?: number;
}

const UNARY: Record<string, UnCase> = {
  neg: { fn: T.neg, ref: (x) => -x, dtypes: ['float32', 'float64', 'int32'] },
  abs: { fn: T.abs, ref: (x) => (x < 0 ? -x : x), dtypes: ['float32', 'float64', 'int32', 'uint8'] },
  sign: { fn: T.sign, ref: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0), dtypes: ['float32', 'float64', 'int32'] },
  exp: { fn: T.exp, ref: (x) => Math.E ** x, dtypes: FLOATS, rtol: 1e-13 },
  log: { fn: T.log, ref: (x) => Math.log(x), dtypes: FLOATS },
  sqrt: { fn: T.sqrt, ref: (x) => x ** 0.5, dtypes: FLOATS },
  rsqrt: { fn: T.rsqrt, ref: (x) => 1 / x ** 0.5, dtypes: FLOATS, rtol: 1e-15 },
  relu: { fn: T.relu, ref: (x) => (x > 0 ? x : 0), dtypes: ['float32', 'float64', 'int32'] },
  // sigmoid and tanh from their definitions in terms of exp
  sigmoid: { fn: T.sigmoid, ref: (x) => 1 / (1 + Math.E ** -x), dtypes: FLOATS, rtol: 1e-13 },
  tanh: { fn: T.tanh, ref: (x) => (Math.E ** (2 * x) - 1) / (Math.E ** (2 * x) + 1), dtypes: FLOATS, rtol: 1e-12 },
  square: { fn: T.square, ref: (x) => x * x, dtypes: ['float32', 'float64', 'int32'] },
};

describe('unary ops', () => {
  for (const [name, c] of Object.entries(UNARY)) {
    it(`${name} matches the oracle over dtypes and layouts (and into out)`, () => {
      const arb = fc.constantFrom(...c.dtypes).chain((dt) => shapeArb({ maxDims: 4 }).chain((s) => fc.tuple(fc.constant(dt), arrayOfShape(s, dt, kindFor(dt, 'float')))));
      fc.assert(
        fc.property(arb, ([dt, a]) => {
          // float32 results: the oracle value in float64, rounded once to float32 (one ulp of slack for transcendental ops)
          const rtol = dt === 'float32' ? (c.rtol !== undefined ? 1.2e-7 : 0) : c.rtol ?? 0;
          const want = unaryRef(a.ref, (x) => roundTo(dt, c.ref(x)));
          expectDense(c.fn(a.arr), want, rtol, 0);
          const out = T.zeros(a.ref.shape, dt);
          expect(c.fn(a.arr, out)).toBe(out);
          expectDense(out, want, rtol, 0);
        }),
        RUNS,
      );
    });
  }

  it('integer-only unary ops keep the dtype; float-only ones refuse ints', () => {
    const i = T.fromArray([-3, 0, 2], 'int32');
    expect(T.neg(i).dtype).toBe('int32');
    expect(() => T.exp(i)).toThrow(/^exp: expected a float tensor, got int32/);
    expect(() => T.sqrt(T.fromArray([1], 'uint8'))).toThrow(/^sqrt: /);
  });

  it('sigmoid does not overflow for large |x|', () => {
    const a = T.fromArray([-1000, -50, 50, 1000], 'float64');
    const got = Array.from(T.sigmoid(a).toTyped());
    expect(got[0]).toBe(0);
    expect(got[3]).toBe(1);
    expect(got.every((v) => Number.isFinite(v))).toBe(true);
  });

  it('clamp, mulScalar, addScalar, powScalar against the oracle', () => {
    const arb = floatPair();
    fc.assert(
      fc.property(arb, ([dt, a, lo, span, s]) => {
        const hi = lo + span;
        const r = (v: number): number => roundTo(dt, v);
        expectDense(T.clamp(a.arr, lo, hi), unaryRef(a.ref, (x) => r(Math.min(Math.max(x, lo), hi))));
        expectDense(T.clamp(a.arr, lo), unaryRef(a.ref, (x) => r(Math.max(x, lo))));
        expectDense(T.clamp(a.arr, undefined, hi), unaryRef(a.ref, (x) => r(Math.min(x, hi))));
        expectDense(T.mulScalar(a.arr, s), unaryRef(a.ref, (x) => r(x * s)));
        expectDense(T.addScalar(a.arr, s), unaryRef(a.ref, (x) => r(x + s)));
        expectDense(T.powScalar(T.abs(a.arr), 2), unaryRef(a.ref, (x) => r(x * x)));
        const out = T.zeros(a.ref.shape, dt);
        expect(T.clamp(a.arr, lo, hi, out)).toBe(out);
        expectDense(out, unaryRef(a.ref, (x) => r(Math.min(Math.max(x, lo), hi))));
      }),
      RUNS,
    );
  });
});

/** A float array with clamp bounds and a scalar. */
function floatPair(): fc.Arbitrary<[DType, { arr: NDArray; ref: { shape: number[]; data: number[] } }, number, number, number]> {
  return fc.constantFrom<DType>('float32', 'float64').chain((dt) =>
    shapeArb({ maxDims: 3 }).chain((s) =>
      fc.tuple(fc.constant(dt), arrayOfShape(s, dt), fc.integer({ min: -12, max: 4 }).map((v) => v / 4), fc.integer({ min: 0, max: 16 }).map((v) => v / 4), fc.integer({ min: -8, max: 8 }).map((v) => v / 4)),
    ),
  );
}

describe('where and assign', () => {
  it('where(mask, a, b) broadcasts all three against the oracle', () => {
    const arb = shapeArb({ maxDims: 3, maxSize: 3 }).chain((s) =>
      fc.tuple(
        arrayOfShape(s, 'uint8', 'index'),
        arrayOfShape(s.map((d, i) => (i === 0 ? 1 : d)), 'float32'),
        arrayOfShape(s.slice(1), 'float32'),
      ),
    );
    fc.assert(
      fc.property(arb, ([m, a, b]) => {
        const shape = m.ref.shape;
        const want = build(shape, (i) => (at(m.ref, i) !== 0 ? at(a.ref, broadcastIndex(i, a.ref.shape)) : at(b.ref, broadcastIndex(i, b.ref.shape))));
        expectDense(T.where(m.arr, a.arr, b.arr), want);
        const out = T.zeros(want.shape);
        expect(T.where(m.arr, a.arr, b.arr, out)).toBe(out);
        expectDense(out, want);
        expectDense(T.where(m.arr, a.arr, 0.5), binaryRef(m.ref, a.ref, (mm, x) => (mm !== 0 ? x : 0.5)));
      }),
      RUNS,
    );
  });

  it('assign copies a broadcast source into a strided destination and bumps the version', () => {
    const arb = shapeArb({ minDims: 1, maxDims: 3 }).chain((s) => fc.tuple(arrayOfShape(s, 'float64', 'float', false), arrayOfShape(s.slice(1), 'float64')));
    fc.assert(
      fc.property(arb, ([dst, src]) => {
        const v = dst.arr.storage.version;
        T.assign(dst.arr, src.arr);
        expect(dst.arr.storage.version).toBe(v + 1);
        expectDense(dst.arr, binaryRef(dst.ref, src.ref, (_x, y) => y));
      }),
      RUNS,
    );
  });

  it('assign from an overlapping view of the same buffer reads before it writes', () => {
    const a = T.arange(6, undefined, 1, 'float64');
    T.assign(a, a.flip(0));
    expect(Array.from(a.toTyped())).toEqual([5, 4, 3, 2, 1, 0]);
  });

  it('out may alias an input with a different layout', () => {
    const a = T.arange(6, undefined, 1, 'float64');
    T.add(a.flip(0), a, a);
    expect(Array.from(a.toTyped())).toEqual([5, 5, 5, 5, 5, 5]);
    const b = T.arange(4, undefined, 1, 'float64').reshape([2, 2]);
    T.neg(b.transpose(), b);
    expect(Array.from(b.toTyped())).toEqual([-0, -2, -1, -3]);
    const c = T.arange(4, undefined, 1, 'float64');
    T.add(c, c, c);
    expect(Array.from(c.toTyped())).toEqual([0, 2, 4, 6]);
  });
});
