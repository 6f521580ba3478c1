// The adder input gradient with infinite x or w: the reference's HardTanh clamp gives -clamp(x - w, -1, 1) = -+1 there,
// not NaN, on the js and simd backends, against the float64 transcription of the reference (adderOracle.ts).
import { describe, expect, it } from 'vitest';
import { NDArray, wasm, type BackendName, type DType } from '@adder/tensor';
import { onBackend } from '@adder/tensor/testing/twins';
import { adderBackwardInput } from '../src/kernels/index';
import { oracleBackward } from './adderOracle';
import { dense, expectClose, normal } from './helpers';

/** A copy of `a` (as `dtype`) with the entries at `every`-th positions set to +inf and -inf in turn. */
function withInfinities(a: NDArray, every: number, dtype: DType): NDArray {
  const data = Array.from(a.contiguous().toTyped());
  for (let i = 0; i < data.length; i += every) data[i] = (i / every) % 2 === 0 ? Infinity : -Infinity;
  return NDArray.fromTyped(dtype === 'float32' ? Float32Array.from(data) : Float64Array.from(data), [...a.shape]);
}

const BACKENDS: BackendName[] = wasm.simdSupported() ? ['js', 'simd'] : ['js'];

describe('adder input gradient with infinite inputs (HardTanh of w - x, as the reference)', () => {
  for (const backend of BACKENDS) {
    for (const dtype of ['float32', 'float64'] as const) {
      for (const where of ['x', 'w'] as const) {
        it(`${backend} ${dtype}: an infinite ${where} contributes -+1 * g, and dX stays finite`, () => {
          const [n, cin, cout, k, h, w] = [2, 3, 9, 3, 7, 9];
          let x = normal([n, cin, h, w], 11, dtype);
          let wt = normal([cout, cin, k, k], 12, dtype);
          if (where === 'x') x = withInfinities(x, 5, dtype);
          else wt = withInfinities(wt, 4, dtype);
          const stride = 1, padding = 1;
          const g = normal([n, cout, h, w], 13, dtype);
          const got = onBackend(backend, () => adderBackwardInput(x, wt, g, stride, padding));
          const ref = oracleBackward(dense(x), dense(wt), dense(g), stride, padding, 0.2).gradX;
          expect(ref.data.every(Number.isFinite)).toBe(true);
          expect(Array.from(got.contiguous().toTyped()).every(Number.isFinite)).toBe(true);
          expectClose(got, ref, dtype === 'float32' ? 1e-5 : 1e-12, dtype === 'float32' ? 1e-5 : 1e-12);
        });
      }
    }
  }
});
