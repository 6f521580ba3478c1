// Creation: zeros/ones/full/zerosLike/arange/eye/scalar/fromArray/fromTyped/fromInt64 against plain definitions.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NDArray, Storage, add, allocate, isSharedStorage, setSharedStorage, arange, eye, fromArray, fromInt64, full, ones, scalar, zeros, zerosLike, type DType } from '../src/index';
import { expectDense, shapeArb } from './arbitraries';
import { build, flatten, numel } from './oracle';

const DTYPES: DType[] = ['float32', 'float64', 'int32', 'uint8'];

describe('filled arrays', () => {
  it('zeros, ones, full, zerosLike over drawn shapes and dtypes', () => {
    fc.assert(
      fc.property(shapeArb({ maxDims: 4, minSize: 0 }), fc.constantFrom(...DTYPES), fc.integer({ min: 0, max: 200 }), (shape, dt, v) => {
        expectDense(zeros(shape, dt), build(shape, () => 0));
        expectDense(ones(shape, dt), build(shape, () => 1));
        const f = full(shape, v, dt);
        expect(f.dtype).toBe(dt);
        expectDense(f, build(shape, () => v));
        const z = zerosLike(f);
        expect(z.dtype).toBe(dt);
        expect(z.storage).not.toBe(f.storage);
        expectDense(z, build(shape, () => 0));
        expect(zerosLike(f, 'float64').dtype).toBe('float64');
      }),
      { numRuns: 50 },
    );
  });

  it('default dtype is float32; 0-d scalar', () => {
    expect(zeros([2]).dtype).toBe('float32');
    const s = scalar(3, 'int32');
    expect([...s.shape]).toEqual([]);
    expect(s.item()).toBe(3);
    expect(s.dtype).toBe('int32');
  });

  it('full refuses a value its dtype would change', () => {
    expect(() => full([2], 2.5, 'int32')).toThrow(/^full: value 2.5 does not fit dtype int32/);
    expect(() => full([2], 256, 'uint8')).toThrow(/^full: /);
    expect(() => full([2], -1, 'uint8')).toThrow(/^full: /);
    expect(() => full([2], NaN, 'int32')).toThrow(/^full: /);
    expect(full([2], NaN, 'float32').get(0)).toBeNaN();
  });
});

describe('arange and eye', () => {
  it('arange(start, end, step) is start + i*step for i < ceil((end - start) / step)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -20, max: 20 }), fc.integer({ min: -20, max: 20 }), fc.integer({ min: -5, max: 5 }).filter((s) => s !== 0), (a, b, st) => {
        const start = a / 4;
        const end = b / 4;
        const step = st / 4;
        const n = Math.max(0, Math.ceil((end - start) / step));
        expectDense(arange(start, end, step, 'float64'), build([n], ([i]) => start + i! * step));
        expectDense(arange(a, b, st, 'int32'), build([Math.max(0, Math.ceil((b - a) / st))], ([i]) => a + i! * st));
      }),
      { numRuns: 60 },
    );
    expectDense(arange(5), build([5], ([i]) => i!));
    expect(arange(3).dtype).toBe('float32');
  });

  it('eye(n, m) has ones exactly on the diagonal', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 }), fc.constantFrom(...DTYPES), (n, m, dt) => {
        const e = eye(n, m, dt);
        expect(e.dtype).toBe(dt);
        expectDense(e, build([n, m], ([i, j]) => (i === j ? 1 : 0)));
      }),
      { numRuns: 30 },
    );
    expectDense(eye(3), build([3, 3], ([i, j]) => (i === j ? 1 : 0)));
  });
});

describe('fromArray and fromTyped', () => {
  it('nested arrays round-trip through toArray for every shape', () => {
    fc.assert(
      fc.property(shapeArb({ maxDims: 4, minSize: 0 }), fc.constantFrom(...DTYPES), (shape, dt) => {
        const ref = build(shape, (i) => i.reduce((p, v, k) => p * 7 + v + k, 0) % 200);
        const nest = (dim: number, base: number[]): unknown =>
          dim === shape.length ? ref.data[base.reduce((f, v, k) => f * shape[k]! + v, 0)]! : Array.from({ length: shape[dim]! }, (_, i) => nest(dim + 1, [...base, i]));
        const nested = nest(0, []);
        if (numel(shape) === 0 && shape.some((d, i) => d === 0 && i < shape.length - 1)) return; // inner shape is lost past a 0 dim
        const a = fromArray(nested as number[], dt);
        expect(a.dtype).toBe(dt);
        expectDense(a, ref);
        expect(a.toArray()).toEqual(nested);
        expect(flatten(a.toArray())).toEqual(ref.data);
      }),
      { numRuns: 60 },
    );
  });

  it('a flat JS array or a nested one plus an explicit shape', () => {
    expect(fromArray([1, 2, 3, 4, 5, 6], [2, 3]).toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(fromArray([[1, 2], [3, 4]], [4], 'int32').toArray()).toEqual([1, 2, 3, 4]);
    expect(fromArray([1, 2, 3, 4], [2, 2], 'float64').dtype).toBe('float64');
    expect(() => fromArray([1, 2, 3], [2, 2])).toThrow(/^fromArray: shape \[2, 2\] needs 4 elements, got 3/);
    expect(() => fromArray([[1, 2], [3, 4]], [3])).toThrow(/^fromArray: /);
  });

  it('a typed array is copied, keeps its dtype, and a different dtype throws', () => {
    const src = new Int32Array([1, 2, 3, 4]);
    const a = fromArray(src, [2, 2]);
    expect(a.dtype).toBe('int32');
    src[0] = 9;
    expect(a.get(0, 0)).toBe(1);
    expect(fromArray(new Uint8Array([7])).dtype).toBe('uint8');
    expect(() => fromArray(new Float32Array([1]), 'float64')).toThrow(/^fromArray: typed array is float32 but dtype float64 was requested/);
    expect(() => fromArray(new Float32Array(3), [2, 2])).toThrow(/^fromArray: shape \[2, 2\] needs 4 elements, got 3/);
  });

  it('ragged input and non-fitting values throw', () => {
    expect(() => fromArray([[1, 2], [3]] as number[][])).toThrow(/^fromArray: ragged nested array at root\[1\]: expected length 2, got 1/);
    expect(() => fromArray([[1, 2], 3] as unknown as number[][])).toThrow(/^fromArray: ragged/);
    expect(() => fromArray([1, [2]] as unknown as number[])).toThrow(/^fromArray: ragged/);
    expect(() => fromArray([1.5, 2], 'int32')).toThrow(/^fromArray: value 1.5 does not fit dtype int32/);
    expect(() => fromArray([300], 'uint8')).toThrow(/^fromArray: /);
  });

  it('fromTyped wraps without copying', () => {
    const d = new Float64Array([1, 2, 3, 4, 5, 6]);
    const a = NDArray.fromTyped(d, [3, 2]);
    expect(a.data).toBe(d);
    expect(a.get(2, 1)).toBe(6);
    expect(() => NDArray.fromTyped(d, [4, 2])).toThrow(/^fromTyped: shape \[4, 2\] needs 8 elements, got 6/);
  });

  it('setSharedStorage backs new buffers with SharedArrayBuffer, and ops still work', () => {
    expect(isSharedStorage()).toBe(false);
    setSharedStorage(true);
    try {
      const a = arange(4, undefined, 1, 'float64');
      expect(a.data.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(Array.from(add(a, a).toTyped())).toEqual([0, 2, 4, 6]);
      expect(add(a, a).data.buffer).toBeInstanceOf(SharedArrayBuffer);
    } finally {
      setSharedStorage(false);
    }
    expect(zeros([1]).data.buffer).toBeInstanceOf(ArrayBuffer);
  });

  it('allocate/Storage.alloc give zeroed buffers of the dtype', () => {
    for (const dt of DTYPES) {
      const s = Storage.alloc(dt, 5);
      expect(s.dtype).toBe(dt);
      expect(Array.from(s.data)).toEqual([0, 0, 0, 0, 0]);
      expect(allocate(dt, 3).length).toBe(3);
    }
  });
});

describe('fromInt64', () => {
  it('loads int64 (BigInt64Array or little-endian bytes) as int32 with a range check', () => {
    const vals = [0n, -1n, 2147483647n, -2147483648n, 42n, -7n];
    const a = fromInt64(BigInt64Array.from(vals), [2, 3]);
    expect(a.dtype).toBe('int32');
    expect(flatten(a.toArray())).toEqual(vals.map(Number));
    const bytes = new Uint8Array(8 * vals.length);
    const view = new DataView(bytes.buffer);
    vals.forEach((v, i) => view.setBigInt64(i * 8, v, true));
    expect(flatten(fromInt64(bytes, [6]).toArray())).toEqual(vals.map(Number));
    expect(() => fromInt64(BigInt64Array.from([1n, 2147483648n]), [2])).toThrow(/^fromInt64: element 1 = 2147483648 is outside the int32 range/);
    expect(() => fromInt64(BigInt64Array.from([-2147483649n]), [1])).toThrow(/^fromInt64: /);
    expect(() => fromInt64(new Uint8Array(7), [1])).toThrow(/^fromInt64: expected a multiple of 8 bytes/);
    expect(() => fromInt64(BigInt64Array.from([1n]), [2])).toThrow(/^fromInt64: shape \[2\] needs 2 elements, got 1/);
  });
});
