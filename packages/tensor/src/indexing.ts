// Indexing kernels: gather, indexSelect, oneHot and scatterAdd (what cross-entropy and its gradient need).
import { isFloat } from './dtype';
import { TensorError, fmtShape } from './errors';
import { NDArray } from './ndarray';
import { checkShape, normalizeAxis } from './shape';
import { Storage } from './storage';

function checkIndexDtype(op: string, index: NDArray): void {
  if (index.dtype !== 'int32' && index.dtype !== 'uint8') throw new TensorError(op, `index must be int32 (or uint8), got ${index.dtype}`);
}

/** out[i][j] = a[index[i][j]][j] for axis 0 (torch.gather); index has a's rank. */
export function gather(a: NDArray, axis: number, index: NDArray): NDArray {
  checkIndexDtype('gather', index);
  const ax = normalizeAxis('gather', axis, a.ndim);
  if (index.ndim !== a.ndim) throw new TensorError('gather', `index has ${index.ndim} dims, input has ${a.ndim}`);
  for (let i = 0; i < a.ndim; i++) {
    if (i !== ax && index.shape[i]! > a.shape[i]!) {
      throw new TensorError('gather', `index shape ${fmtShape(index.shape)} exceeds input shape ${fmtShape(a.shape)} at dim ${i}`);
    }
  }
  const out = new NDArray(Storage.alloc(a.dtype, index.size), index.shape);
  const idxOffs = index.offsets();
  const shape = index.shape;
  const nd = shape.length;
  const counter = new Array<number>(nd).fill(0);
  const d = a.data, id = index.data, o = out.data;
  const lim = a.shape[ax]!;
  for (let i = 0; i < out.size; i++) {
    const j = id[idxOffs[i]!]!;
    if (j < 0 || j >= lim) throw new TensorError('gather', `index ${j} is out of range for dim ${ax} of size ${lim}`);
    let off = a.offset;
    for (let k = 0; k < nd; k++) off += (k === ax ? j : counter[k]!) * a.strides[k]!;
    o[i] = d[off]!;
    for (let k = nd - 1; k >= 0; k--) {
      if (++counter[k]! < shape[k]!) break;
      counter[k] = 0;
    }
  }
  return out;
}

/** Adds src into a zero tensor of `shape` at index along axis: out[index[i][j]][j] += src[i][j] (axis 0). */
export function scatterAdd(shape: readonly number[], axis: number, index: NDArray, src: NDArray): NDArray {
  checkIndexDtype('scatterAdd', index);
  checkShape('scatterAdd', shape);
  const ax = normalizeAxis('scatterAdd', axis, shape.length);
  if (index.ndim !== shape.length || src.ndim !== shape.length) {
    throw new TensorError('scatterAdd', `index ${fmtShape(index.shape)} and src ${fmtShape(src.shape)} must have ${shape.length} dims`);
  }
  // torch.scatter_add_: index.size(d) <= src.size(d) for all d, and <= out.size(d) for d != axis
  for (let k = 0; k < shape.length; k++) {
    if (index.shape[k]! > src.shape[k]! || (k !== ax && index.shape[k]! > shape[k]!)) {
      throw new TensorError('scatterAdd', `index shape ${fmtShape(index.shape)} exceeds src ${fmtShape(src.shape)} or output ${fmtShape(shape)} at dim ${k}`);
    }
  }
  const out = new NDArray(Storage.alloc(src.dtype, shape.reduce((p, x) => p * x, 1)), shape);
  const strides = out.strides;
  const idxOffs = index.offsets();
  const nd = shape.length;
  const counter = new Array<number>(nd).fill(0);
  const lim = shape[ax]!;
  const id = index.data, sd = src.data, o = out.data;
  for (let i = 0; i < index.size; i++) {
    const j = id[idxOffs[i]!]!;
    if (j < 0 || j >= lim) throw new TensorError('scatterAdd', `index ${j} is out of range for dim ${ax} of size ${lim}`);
    let off = 0;
    let soff = src.offset;
    for (let k = 0; k < nd; k++) {
      off += (k === ax ? j : counter[k]!) * strides[k]!;
      soff += counter[k]! * src.strides[k]!;
    }
    o[off] = o[off]! + sd[soff]!;
    for (let k = nd - 1; k >= 0; k--) {
      if (++counter[k]! < index.shape[k]!) break;
      counter[k] = 0;
    }
  }
  return out;
}

/** Selects entries along an axis by a 1-d index (torch.index_select). */
export function indexSelect(a: NDArray, axis: number, index: NDArray): NDArray {
  checkIndexDtype('indexSelect', index);
  if (index.ndim !== 1) throw new TensorError('indexSelect', `index must be 1-d, got shape ${fmtShape(index.shape)}`);
  const ax = normalizeAxis('indexSelect', axis, a.ndim);
  if (a.ndim === 0) {
    // a 0-d input acts as one element along axis 0, and the result stays 0-d (as torch.index_select)
    const idx0 = index.toTyped();
    if (idx0.length !== 1 || idx0[0] !== 0) throw new TensorError('indexSelect', `a 0-d input takes the single index [0], got ${fmtShape(Array.from(idx0))}`);
    return a.clone();
  }
  const lim = a.shape[ax]!;
  const shape = [...a.shape];
  shape[ax] = index.size;
  const out = new NDArray(Storage.alloc(a.dtype, shape.reduce((p, x) => p * x, 1)), shape);
  const outer = a.shape.slice(0, ax).reduce((p, x) => p * x, 1);
  const inner = a.shape.slice(ax + 1).reduce((p, x) => p * x, 1);
  const src = a.contiguous();
  const sd = src.data, o = out.data;
  const idx = index.toTyped();
  for (let k = 0; k < idx.length; k++) {
    if (idx[k]! < 0 || idx[k]! >= lim) throw new TensorError('indexSelect', `index ${idx[k]} is out of range for dim ${ax} of size ${lim}`);
  }
  let pos = 0;
  for (let r = 0; r < outer; r++) {
    for (let k = 0; k < idx.length; k++) {
      const base = src.offset + (r * lim + idx[k]!) * inner;
      for (let i = 0; i < inner; i++) o[pos++] = sd[base + i]!;
    }
  }
  return out;
}

/** One-hot encoding of int32 class indices: shape [...index.shape, numClasses], float32 by default. */
export function oneHot(index: NDArray, numClasses: number, dtype: 'float32' | 'float64' | 'int32' = 'float32'): NDArray {
  checkIndexDtype('oneHot', index);
  if (!Number.isInteger(numClasses) || numClasses <= 0) throw new TensorError('oneHot', `numClasses must be a positive integer, got ${numClasses}`);
  const out = new NDArray(Storage.alloc(dtype, index.size * numClasses), [...index.shape, numClasses]);
  const idx = index.toTyped();
  for (let i = 0; i < idx.length; i++) {
    const c = idx[i]!;
    if (c < 0 || c >= numClasses) throw new TensorError('oneHot', `class index ${c} is out of range [0, ${numClasses})`);
    out.data[i * numClasses + c] = 1;
  }
  return out;
}

/** True when every pair |a - b| <= atol + rtol*|b| (shapes must broadcast-equal; NaN never close). */
export function allclose(a: NDArray, b: NDArray, rtol = 1e-5, atol = 1e-8): boolean {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) return false;
  const x = a.toTyped(), y = b.toTyped();
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!, yi = y[i]!;
    if (xi === yi) continue;
    // unequal infinities are never close (|inf - x| <= rtol*inf would otherwise pass)
    if (!Number.isFinite(xi) || !Number.isFinite(yi)) return false;
    if (!(Math.abs(xi - yi) <= atol + rtol * Math.abs(yi))) return false;
  }
  return true;
}

/** True when shapes, dtypes and every element are identical. */
export function equal(a: NDArray, b: NDArray): boolean {
  if (a.dtype !== b.dtype || a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) return false;
  const x = a.toTyped(), y = b.toTyped();
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i] && !(isFloat(a.dtype) && x[i] !== x[i] && y[i] !== y[i])) return false;
  return true;
}
