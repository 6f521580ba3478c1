// Creating arrays: zeros, ones, full, arange, eye, and fromArray from nested JS arrays.
import type { DType, TypedArray } from './dtype';
import { dtypeOf } from './dtype';
import { TensorError, fmtShape } from './errors';
import { NDArray, type NestedArray } from './ndarray';
import { checkShape, numelOf } from './shape';
import { Storage } from './storage';

/** A zero-filled array. */
export function zeros(shape: readonly number[], dtype: DType = 'float32'): NDArray {
  checkShape('zeros', shape);
  return new NDArray(Storage.alloc(dtype, numelOf(shape)), shape);
}

/** An array filled with `value`. */
export function full(shape: readonly number[], value: number, dtype: DType = 'float32'): NDArray {
  checkShape('full', shape);
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
  const n = Math.max(0, Math.ceil((end - start) / step));
  const s = Storage.alloc(dtype, n);
  for (let i = 0; i < n; i++) s.data[i] = start + i * step;
  return new NDArray(s, [n]);
}

/** The n x m identity matrix. */
export function eye(n: number, m = n, dtype: DType = 'float32'): NDArray {
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
  if (Array.isArray(shapeOrDtype) && numelOf(shapeOrDtype) === numelOf(shape) && shape.length === 1) {
    // a flat JS array plus an explicit shape
    const out = fromArray(data, dtype);
    return out.reshape(shapeOrDtype as readonly number[]);
  }
  const s = Storage.alloc(dtype, numelOf(shape));
  let pos = 0;
  const walk = (node: NestedArray, dim: number, path: string): void => {
    if (dim === shape.length) {
      if (typeof node !== 'number') throw new TensorError('fromArray', `ragged nested array at ${path}: expected a number`);
      s.data[pos++] = node;
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[dim]) {
      throw new TensorError('fromArray', `ragged nested array at ${path}: expected length ${shape[dim]}, got ${Array.isArray(node) ? node.length : 'a number'}`);
    }
    for (let i = 0; i < node.length; i++) walk(node[i]!, dim + 1, `${path}[${i}]`);
  };
  walk(data as NestedArray, 0, 'root');
  return new NDArray(s, shape);
}

/** A 0-d array holding one value. */
export function scalar(value: number, dtype: DType = 'float32'): NDArray {
  return full([], value, dtype);
}
