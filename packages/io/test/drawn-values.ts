// The values of a drawn test tensor, shared by the safetensors and torch.save property tests: every element
// distinct enough to catch a misplaced byte, negative values for the signed dtypes, exact in float32.
import { NDArray, type DType } from '@adder/tensor';

/** A contiguous array of `shape` and `dtype` whose values follow from `seed`. */
export function drawnArray(dtype: DType, shape: readonly number[], seed: number): NDArray {
  const n = shape.reduce((a, b) => a * b, 1);
  const vals = Array.from({ length: n }, (_, j) => ((seed + 31 * j) % 251) - (dtype === 'uint8' ? 0 : 125));
  const typed =
    dtype === 'float32' ? new Float32Array(vals.map((v) => v / 7))
    : dtype === 'float64' ? new Float64Array(vals.map((v) => v / 7))
    : dtype === 'int32' ? new Int32Array(vals.map((v) => v * 1000003))
    : new Uint8Array(vals);
  return NDArray.fromTyped(typed, [...shape]);
}
