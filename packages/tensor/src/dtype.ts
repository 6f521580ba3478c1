// The element types an NDArray can hold, and the typed array behind each.
import { TensorError } from './errors';

/** The element type of an NDArray. float32 is the default; float64 is for gradient checks. */
export type DType = 'float32' | 'float64' | 'int32' | 'uint8';

/** Any typed array that can back an NDArray. */
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/** Bytes per element of each dtype. */
export const ITEMSIZE: Readonly<Record<DType, number>> = { float32: 4, float64: 8, int32: 4, uint8: 1 };

/** True for float32 and float64. */
export function isFloat(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

/** The dtype of a typed array, or an error for one we do not support. */
export function dtypeOf(data: TypedArray): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Uint8Array) return 'uint8';
  throw new TensorError('dtypeOf', `expected a Float32Array, Float64Array, Int32Array or Uint8Array, got ${Object.prototype.toString.call(data)}`);
}

/** Every dtype, in order. Binary ops need both operands to agree already (nothing converts silently). */
export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'uint8'];

/** Inclusive range of each integer dtype. */
export const INT_RANGE: Readonly<Record<'int32' | 'uint8', readonly [number, number]>> = { int32: [-2147483648, 2147483647], uint8: [0, 255] };

/** True when storing `value` in `dtype` keeps it (an integer in range for int dtypes; any number for floats). */
export function fitsDtype(value: number, dtype: DType): boolean {
  if (dtype === 'float32' || dtype === 'float64') return true;
  const [lo, hi] = INT_RANGE[dtype];
  return Number.isInteger(value) && value >= lo && value <= hi;
}
