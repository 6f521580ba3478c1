// numpy arrays in pickles shaped like torchvision's cifar-10-batches-py, against the values numpy wrote.
import { describe, expect, it } from 'vitest';
import type { NumpyArray } from '../src/pickle';
import { BuilderError, numpyToNDArray, readPickle } from '../src/pickle';
import { EXPECTED, fixtureBytes } from './pickle-fixtures';

const NDARRAY_DTYPE: Record<string, string> = { uint8: 'uint8', float32: 'float32', float64: 'float64', int64: 'int32' };

describe('numpy arrays (opt-in allow-list)', () => {
  for (const name of Object.keys(EXPECTED.numpy)) {
    it(`reads ${name} as numpy holds it`, () => {
      const v = readPickle(fixtureBytes(name), { source: name, numpy: true }) as Map<string, unknown>;
      const expected = EXPECTED.numpy[name]!;
      expect([...v.keys()]).toEqual(Object.keys(expected));
      for (const [key, exp] of Object.entries(expected)) {
        const got = v.get(key);
        if (exp !== null && typeof exp === 'object' && 'shape' in exp) {
          const e = exp as { shape: number[]; dtype: string; values: number[] };
          const arr = numpyToNDArray(got as NumpyArray, key);
          expect(arr.shape).toEqual(e.shape);
          expect(arr.dtype).toBe(NDARRAY_DTYPE[e.dtype]);
          // float32 values are compared after rounding the Python double to float32 (they are float32 values).
          const want = e.dtype === 'float32' ? e.values.map(Math.fround) : e.values;
          expect(Array.from(arr.contiguous().data)).toEqual(want);
        } else {
          expect(got).toEqual(exp);
        }
      }
    });
  }

  it('refuses raw data shorter than the shape needs, naming the array', () => {
    const v = readPickle(fixtureBytes('numpy_proto4.pkl'), { numpy: true }) as Map<string, unknown>;
    const arr = v.get('data') as NumpyArray;
    arr.raw = arr.raw.subarray(0, 10);
    expect(() => numpyToNDArray(arr, 'data')).toThrow(BuilderError);
    expect(() => numpyToNDArray(arr, 'data')).toThrow('data: shape [4,12] of u1 needs 48 bytes, found 10');
  });
});
