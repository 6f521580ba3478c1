// Creating arrays: zeros, ones, full, arange, eye, and fromArray from nested JS arrays.
import type { DType, TypedArray } from './dtype';
import { dtypeOf, fitsDtype } from './dtype';
import { TensorError, fmtShape } from './errors';
import { NDArray, type NestedArray } from './ndarray';
import { checkShape, numelOf } from './shape';
import { Storage } from './storage';

/** A zero-filled array. */
export function zeros(shape: readonly number[], dtype: DType = 'float32'): NDArray {
  checkShape('zeros', shape);
  return new NDArray(Storage.alloc(dtype, numelOf(shape)), shape);
}

/** Throws unless `value` is stored unchanged in `dtype` (no silent truncation or wrap-around). */
function checkFits(op: string, value: number, dtype: DType): void {
  if (!fitsDtype(value, dtype)) throw new TensorError(op, `value ${value} does not fit dtype ${dtype} (expected an integer in its range); cast explicitly`);
}

/** An array filled with `value` (which must fit the dtype). */
export function full(shape: readonly number[], value: number, dtype: DType = 'float32'): NDArray {
  checkShape('full', shape);
  checkFits('full', value, dtype);
  const s = Storage.alloc(dtype, numelOf(shape));
  s.data.fill(value);
  return new NDArray(s, shape);
}

/** An array of ones. */
export function ones(shape: readonly number[], dtype: DType = 'float32'): NDArray {
  return full(shape, 1, dtype);
}

/** A zero-filled array with the shape and dtype of `like`. */
export function zerosLike(like: NDArray, dtype: DType = like.dtype): NDArray {
  return zeros(like.shape, dtype);
}

/** start, start+step, ... below end (torch.arange). */
export function arange(start: number, end?: number, step = 1, dtype: DType = 'float32'): NDArray {
  if (end === undefined) [start, end] = [0, start];
  if (step === 0 || !Number.isFinite(step)) throw new TensorError('arange', `step must be a non-zero finite number, got ${step}`);
  if (!Number.isFinite(start) || !Number.isFinite(end)) throw new TensorError('arange', `start and end must be finite, got ${start}, ${end}`);
  const n = Math.max(0, Math.ceil((end - start) / step));
  checkFits('arange', start, dtype);
  checkFits('arange', step, dtype);
  if (n > 0) checkFits('arange', start + (n - 1) * step, dtype);
  const s = Storage.alloc(dtype, n);
  for (let i = 0; i < n; i++) s.data[i] = start + i * step;
  return new NDArray(s, [n]);
}

/** The n x m identity matrix. */
export function eye(n: number, m = n, dtype: DType = 'float32'): NDArray {
  checkShape('eye', [n, m]);
  const out = zeros([n, m], dtype);
  for (let i = 0; i < Math.min(n, m); i++) out.data[i * m + i] = 1;
  return out;
}

/**
 * From nested JS arrays (ragged input throws), or from a flat typed array plus a shape.
 * A typed array is copied; its dtype is kept unless `dtype` says otherwise... which must then match.
 */
export function fromArray(data: NestedArray | TypedArray | readonly number[], shapeOrDtype?: readonly number[] | DType, maybeDtype?: DType): NDArray {
  if (ArrayBuffer.isView(data)) {
    const typed = data as TypedArray;
    const shape = Array.isArray(shapeOrDtype) ? (shapeOrDtype as readonly number[]) : [typed.length];
    const dtype = (typeof shapeOrDtype === 'string' ? shapeOrDtype : maybeDtype) ?? dtypeOf(typed);
    checkShape('fromArray', shape);
    if (numelOf(shape) !== typed.length) {
      throw new TensorError('fromArray', `shape ${fmtShape(shape)} needs ${numelOf(shape)} elements, got ${typed.length}`);
    }
    if (dtype !== dtypeOf(typed)) {
      throw new TensorError('fromArray', `typed array is ${dtypeOf(typed)} but dtype ${dtype} was requested; cast explicitly`);
    }
    const s = Storage.alloc(dtype, typed.length);
    s.data.set(typed);
    return new NDArray(s, shape);
  }
  const dtype = (typeof shapeOrDtype === 'string' ? shapeOrDtype : maybeDtype) ?? 'float32';
  const shape: number[] = [];
  let probe: NestedArray | readonly number[] = data as NestedArray;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe.length > 0 ? (probe[0] as NestedArray) : 0;
  }
  const s = Storage.alloc(dtype, numelOf(shape));
  let pos = 0;
  const walk = (node: NestedArray, dim: number, path: string): void => {
    if (dim === shape.length) {
      if (typeof node !== 'number') throw new TensorError('fromArray', `ragged nested array at ${path}: expected a number, got ${Array.isArray(node) ? 'an array' : typeof node}`);
      checkFits('fromArray', node, dtype);
      s.data[pos++] = node;
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[dim]) {
      throw new TensorError('fromArray', `ragged nested array at ${path}: expected length ${shape[dim]}, got ${Array.isArray(node) ? node.length : 'a number'}`);
    }
    for (let i = 0; i < node.length; i++) walk(node[i]!, dim + 1, `${path}[${i}]`);
  };
  walk(data as NestedArray, 0, 'root');
  const out = new NDArray(s, shape);
  if (!Array.isArray(shapeOrDtype)) return out;
  // an explicit shape: the (flat or nested) values are read in row-major order and must fill it exactly
  const want = shapeOrDtype as readonly number[];
  checkShape('fromArray', want);
  if (numelOf(want) !== out.size) {
    throw new TensorError('fromArray', `shape ${fmtShape(want)} needs ${numelOf(want)} elements, got ${out.size} (nested shape ${fmtShape(shape)})`);
  }
  return new NDArray(s, want);
}

/**
 * int64 values (a BigInt64Array, or little-endian bytes as stored in checkpoint files) as an int32 array,
 * throwing if any value falls outside the int32 range.
 */
export function fromInt64(src: BigInt64Array | Uint8Array, shape: readonly number[]): NDArray {
  checkShape('fromInt64', shape);
  if (!(src instanceof BigInt64Array) && src.length % 8 !== 0) {
    throw new TensorError('fromInt64', `expected a multiple of 8 bytes, got ${src.length}`);
  }
  const n = src instanceof BigInt64Array ? src.length : src.length / 8;
  if (numelOf(shape) !== n) throw new TensorError('fromInt64', `shape ${fmtShape(shape)} needs ${numelOf(shape)} elements, got ${n}`);
  const view = src instanceof BigInt64Array ? null : new DataView(src.buffer, src.byteOffset, src.byteLength);
  const s = Storage.alloc('int32', n);
  for (let i = 0; i < n; i++) {
    const v = view === null ? (src as BigInt64Array)[i]! : view.getBigInt64(i * 8, true);
    if (v < -2147483648n || v > 2147483647n) {
      throw new TensorError('fromInt64', `element ${i} = ${v} is outside the int32 range [-2147483648, 2147483647]`);
    }
    s.data[i] = Number(v);
  }
  return new NDArray(s, shape);
}

/** A 0-d array holding one value. */
export function scalar(value: number, dtype: DType = 'float32'): NDArray {
  return full([], value, dtype);
}
