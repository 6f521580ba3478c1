// The n-d array: a Storage seen through shape, strides and offset. Views share the storage.
import type { DType, TypedArray } from './dtype';
import { dtypeOf, isFloat } from './dtype';
import { TensorError, fmtShape } from './errors';
import { checkShape, contiguousStrides, normalizeAxis, numelOf, sameShape } from './shape';
import { Storage } from './storage';
import { formatNDArray } from './print';

/** Nested JS arrays of numbers, as produced by toArray. */
export type NestedArray = number | NestedArray[];

/**
 * A strided view of a typed-array buffer. Element (i0, ..., in) lives at
 * data[offset + sum_k ik * strides[k]]. Views (reshape, permute, expand, slice, ...) make new
 * NDArrays over the same Storage without copying.
 */
export class NDArray {
  readonly storage: Storage;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  readonly size: number;

  constructor(storage: Storage, shape: readonly number[], strides?: readonly number[], offset = 0) {
    checkShape('NDArray', shape);
    this.storage = storage;
    this.shape = Object.freeze([...shape]);
    this.strides = Object.freeze(strides ? [...strides] : contiguousStrides(shape));
    if (this.strides.length !== this.shape.length) {
      throw new TensorError('NDArray', `strides ${fmtShape(this.strides)} do not match shape ${fmtShape(shape)}`);
    }
    this.offset = offset;
    this.size = numelOf(shape);
    if (this.size > 0) {
      // the lowest and highest element positions must lie inside the buffer
      let lo = offset;
      let hi = offset;
      for (let i = 0; i < this.shape.length; i++) {
        const span = (this.shape[i]! - 1) * this.strides[i]!;
        if (span < 0) lo += span;
        else hi += span;
      }
      if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 0 || hi >= storage.data.length) {
        throw new TensorError('NDArray', `shape ${fmtShape(shape)}, strides ${fmtShape(this.strides)} and offset ${offset} reach positions ${lo}..${hi} outside a buffer of ${storage.data.length} elements`);
      }
    }
  }

  /** Wraps a typed array (no copy) with a shape; the sizes must agree. */
  static fromTyped(data: TypedArray, shape: readonly number[]): NDArray {
    checkShape('fromTyped', shape);
    if (numelOf(shape) !== data.length) {
      throw new TensorError('fromTyped', `shape ${fmtShape(shape)} needs ${numelOf(shape)} elements, got ${data.length}`);
    }
    return new NDArray(new Storage(data, dtypeOf(data)), shape);
  }

  /** The element type. */
  get dtype(): DType {
    return this.storage.dtype;
  }
  /** The underlying buffer (shared with every view). */
  get data(): TypedArray {
    return this.storage.data;
  }
  /** Number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }
  /** True when elements are laid out row-major without gaps (offset may be non-zero). */
  get isContiguous(): boolean {
    let expected = 1;
    for (let i = this.shape.length - 1; i >= 0; i--) {
      const d = this.shape[i]!;
      if (d !== 1 && this.strides[i] !== expected) return false;
      expected *= d;
    }
    return true;
  }

  /** Physical offset of a multi-index (negative entries count from the end); throws, naming `op`, when out of range. */
  offsetOf(index: readonly number[], op = 'get'): number {
    if (index.length !== this.ndim) {
      throw new TensorError(op, `expected ${this.ndim} indices for shape ${fmtShape(this.shape)}, got ${index.length}`);
    }
    let o = this.offset;
    for (let i = 0; i < index.length; i++) {
      let ix = index[i]!;
      const d = this.shape[i]!;
      if (!Number.isInteger(ix) || ix < -d || ix >= d) {
        throw new TensorError(op, `index ${ix} is out of range for dim ${i} of size ${d} (expected ${-d}..${d - 1})`);
      }
      if (ix < 0) ix += d;
      o += ix * this.strides[i]!;
    }
    return o;
  }
  /** Reads one element. */
  get(...index: number[]): number {
    return this.data[this.offsetOf(index)]!;
  }
  /** Writes one element (in place: bumps the storage version). */
  set(value: number, ...index: number[]): void {
    this.data[this.offsetOf(index, 'set')] = value;
    this.storage.version++;
  }
  /** The single value of a one-element array. */
  item(): number {
    if (this.size !== 1) throw new TensorError('item', `expected a tensor with one element, got shape ${fmtShape(this.shape)}`);
    return this.data[this.offset + 0]!;
  }

  /** Physical offsets of all elements in row-major order of the logical index. */
  offsets(): Int32Array {
    return stridedOffsets(this.shape, this.strides, this.offset);
  }

  /**
   * An array whose `data` is exactly its elements in row-major order from index 0 (kernels rely on this):
   * this array itself when it already is one, else a copy. A contiguous view with an offset, or one over part
   * of a larger buffer (`isContiguous` true), is therefore copied too.
   */
  contiguous(): NDArray {
    if (this.isContiguous && this.offset === 0 && this.data.length === this.size) return this;
    return this.clone();
  }

  /** A fresh contiguous copy. */
  clone(): NDArray {
    const out = Storage.alloc(this.dtype, this.size);
    copyInto(this, out.data);
    return new NDArray(out, this.shape);
  }

  /** The elements in row-major order as a new typed array. */
  toTyped(): TypedArray {
    const out = Storage.alloc(this.dtype, this.size).data;
    copyInto(this, out);
    return out;
  }

  /** Converts to another dtype (always a copy; int targets truncate toward zero, uint8 wraps as in PyTorch). */
  cast(dtype: DType): NDArray {
    const out = Storage.alloc(dtype, this.size);
    const src = this.isContiguous ? null : this.offsets();
    const d = this.data;
    const o = out.data;
    const n = this.size;
    if (src === null) for (let i = 0; i < n; i++) o[i] = d[this.offset + i]!;
    else for (let i = 0; i < n; i++) o[i] = d[src[i]!]!;
    return new NDArray(out, this.shape);
  }

  /** Nested JS arrays (a number for 0-d). */
  toArray(): NestedArray {
    const flat = this.toTyped();
    if (this.ndim === 0) return flat[0]!;
    let pos = 0;
    const build = (dim: number): NestedArray[] => {
      const n = this.shape[dim]!;
      const res: NestedArray[] = new Array(n);
      for (let i = 0; i < n; i++) res[i] = dim === this.ndim - 1 ? flat[pos++]! : build(dim + 1);
      return res;
    };
    return build(0);
  }

  // ---- views ----

  /** Same data, new shape: a view when the strides allow it, otherwise a copy (as torch.reshape). -1 infers one size. */
  reshape(shape: readonly number[]): NDArray {
    const target = inferShape('reshape', shape, this.size, this.shape);
    const strides = viewStrides(this.shape, this.strides, target);
    if (strides !== null) return new NDArray(this.storage, target, strides, this.offset);
    return new NDArray(this.clone().storage, target);
  }

  /** A view with a new shape; throws when the layout cannot be viewed (as torch.view). */
  view(shape: readonly number[]): NDArray {
    const target = inferShape('view', shape, this.size, this.shape);
    const strides = viewStrides(this.shape, this.strides, target);
    if (strides === null) {
      throw new TensorError('view', `cannot view shape ${fmtShape(this.shape)} with strides ${fmtShape(this.strides)} as ${fmtShape(target)}; use reshape`);
    }
    return new NDArray(this.storage, target, strides, this.offset);
  }

  /** Reorders the dimensions: result dim i is input dim axes[i]. */
  permute(axes: readonly number[]): NDArray {
    if (axes.length !== this.ndim) {
      throw new TensorError('permute', `expected ${this.ndim} axes for shape ${fmtShape(this.shape)}, got ${JSON.stringify(axes)}`);
    }
    const norm = axes.map((a) => normalizeAxis('permute', a, this.ndim));
    if (new Set(norm).size !== norm.length) throw new TensorError('permute', `axes ${JSON.stringify(axes)} repeat a dimension`);
    return new NDArray(this.storage, norm.map((a) => this.shape[a]!), norm.map((a) => this.strides[a]!), this.offset);
  }

  /** Swaps two dimensions (default: the last two). */
  transpose(dim0 = -2, dim1 = -1): NDArray {
    const a = normalizeAxis('transpose', dim0, this.ndim);
    const b = normalizeAxis('transpose', dim1, this.ndim);
    const axes = Array.from({ length: this.ndim }, (_, i) => i);
    axes[a] = b;
    axes[b] = a;
    return this.permute(axes);
  }

  /** Broadcasts to a larger shape with stride 0 on the repeated dims (torch.expand; -1 keeps a size). */
  expand(shape: readonly number[]): NDArray {
    if (shape.length < this.ndim) {
      throw new TensorError('expand', `cannot expand shape ${fmtShape(this.shape)} to fewer dims ${fmtShape(shape)}`);
    }
    const lead = shape.length - this.ndim;
    const strides = new Array<number>(shape.length);
    const out = new Array<number>(shape.length);
    for (let i = 0; i < shape.length; i++) {
      const want = shape[i]!;
      if (i < lead) {
        if (!Number.isInteger(want) || want < 0) throw new TensorError('expand', `bad size ${want} in ${fmtShape(shape)}`);
        out[i] = want;
        strides[i] = 0;
        continue;
      }
      const have = this.shape[i - lead]!;
      if (want !== -1 && (!Number.isInteger(want) || want < 0)) throw new TensorError('expand', `bad size ${want} in ${fmtShape(shape)}`);
      const size = want === -1 ? have : want;
      if (size !== have && have !== 1) {
        throw new TensorError('expand', `cannot expand shape ${fmtShape(this.shape)} to ${fmtShape(shape)} (dim ${i}: ${have} vs ${want})`);
      }
      out[i] = size;
      strides[i] = size === have ? this.strides[i - lead]! : 0;
    }
    return new NDArray(this.storage, out, strides, this.offset);
  }

  /** Alias of expand, NumPy's name. */
  broadcastTo(shape: readonly number[]): NDArray {
    return this.expand(shape);
  }

  /** Python-style slice start:end:step along one axis (negative indices count from the end; step > 0). */
  slice(axis: number, start = 0, end?: number, step = 1): NDArray {
    const ax = normalizeAxis('slice', axis, this.ndim);
    const d = this.shape[ax]!;
    if (!Number.isInteger(step) || step <= 0) throw new TensorError('slice', `step must be a positive integer, got ${step}`);
    if (!Number.isInteger(start) || (end !== undefined && !Number.isInteger(end))) {
      throw new TensorError('slice', `start and end must be integers, got ${start}, ${end}`);
    }
    const clampIdx = (v: number): number => Math.min(Math.max(v < 0 ? v + d : v, 0), d);
    const s = clampIdx(start);
    const e = end === undefined ? d : clampIdx(end);
    const len = e > s ? Math.ceil((e - s) / step) : 0;
    const shape = [...this.shape];
    const strides = [...this.strides];
    shape[ax] = len;
    strides[ax] = this.strides[ax]! * step;
    return new NDArray(this.storage, shape, strides, this.offset + (len > 0 ? s * this.strides[ax]! : 0));
  }

  /** torch.narrow: `length` elements from `start` (negative counts from the end) along `axis`; out of range throws. */
  narrow(axis: number, start: number, length: number): NDArray {
    const ax = normalizeAxis('narrow', axis, this.ndim);
    const d = this.shape[ax]!;
    const s = start < 0 ? start + d : start;
    if (!Number.isInteger(start) || !Number.isInteger(length) || s < 0 || length < 0 || s + length > d) {
      throw new TensorError('narrow', `start ${start} + length ${length} exceeds dim ${ax} of size ${d}`);
    }
    return this.slice(ax, s, s + length);
  }

  /** Removes size-1 dims (all of them, or the given axes, which must have size 1... or are kept as PyTorch does). */
  squeeze(axis?: number | readonly number[]): NDArray {
    let drop: Set<number>;
    if (axis === undefined) drop = new Set(this.shape.flatMap((d, i) => (d === 1 ? [i] : [])));
    else {
      const list = typeof axis === 'number' ? [axis] : axis;
      drop = new Set(list.map((a) => normalizeAxis('squeeze', a, this.ndim)).filter((a) => this.shape[a] === 1));
    }
    const shape: number[] = [];
    const strides: number[] = [];
    for (let i = 0; i < this.ndim; i++) {
      if (drop.has(i)) continue;
      shape.push(this.shape[i]!);
      strides.push(this.strides[i]!);
    }
    return new NDArray(this.storage, shape, strides, this.offset);
  }

  /** Inserts a size-1 dim at `axis` (-1 appends). */
  unsqueeze(axis: number): NDArray {
    const ax = normalizeAxis('unsqueeze', axis, this.ndim + 1);
    const shape = [...this.shape];
    const strides = [...this.strides];
    shape.splice(ax, 0, 1);
    strides.splice(ax, 0, ax < this.ndim ? this.strides[ax]! * this.shape[ax]! : 1);
    return new NDArray(this.storage, shape, strides, this.offset);
  }

  /** Reverses the order along the given axes (a view with negative strides). */
  flip(axes: number | readonly number[]): NDArray {
    const list = typeof axes === 'number' ? [axes] : axes;
    const strides = [...this.strides];
    let offset = this.offset;
    for (const a of new Set(list.map((x) => normalizeAxis('flip', x, this.ndim)))) {
      if (this.shape[a]! > 0) offset += (this.shape[a]! - 1) * this.strides[a]!;
      strides[a] = -this.strides[a]!;
    }
    return new NDArray(this.storage, this.shape, strides, offset);
  }

  /** PyTorch-style printout: precision 4, summarised past 1,000 elements with 3 edge items. */
  toString(): string {
    return formatNDArray(this);
  }

  /** Throws unless the dtype is float32 or float64. */
  assertFloat(op: string): void {
    if (!isFloat(this.dtype)) throw new TensorError(op, `expected a float32 or float64 tensor, got ${this.dtype}`);
  }
}

/** Resolves one -1 in a requested shape and checks the element count. */
export function inferShape(op: string, shape: readonly number[], size: number, from: readonly number[]): number[] {
  const out = [...shape];
  let infer = -1;
  let known = 1;
  for (let i = 0; i < out.length; i++) {
    const d = out[i]!;
    if (d === -1) {
      if (infer >= 0) throw new TensorError(op, `only one dimension can be -1, got ${fmtShape(shape)}`);
      infer = i;
    } else if (!Number.isInteger(d) || d < 0) {
      throw new TensorError(op, `sizes must be non-negative integers, got ${fmtShape(shape)}`);
    } else known *= d;
  }
  if (infer >= 0) {
    if (known === 0 || size % known !== 0) {
      throw new TensorError(op, `shape ${fmtShape(shape)} is invalid for input of shape ${fmtShape(from)} (${size} elements)`);
    }
    out[infer] = size / known;
  } else if (known !== size) {
    throw new TensorError(op, `shape ${fmtShape(shape)} is invalid for input of shape ${fmtShape(from)} (${size} elements)`);
  }
  return out;
}

/**
 * Strides that view (shape, strides) as `target` without copying, or null when impossible.
 * Splits the old shape into chunks of mergeable dims, as PyTorch's computeStride does.
 */
export function viewStrides(shape: readonly number[], strides: readonly number[], target: readonly number[]): number[] | null {
  if (sameShape(shape, target)) return [...strides];
  const size = numelOf(shape);
  if (size === 0) return contiguousStrides(target);
  // Drop size-1 dims from the source: they constrain nothing.
  const os: number[] = [];
  const ot: number[] = [];
  for (let i = 0; i < shape.length; i++) if (shape[i] !== 1) (os.push(shape[i]!), ot.push(strides[i]!));
  const out = new Array<number>(target.length).fill(0);
  let ti = target.length - 1;
  let oi = os.length - 1;
  while (oi >= 0) {
    // a chunk of old dims [start..oi] that are mutually contiguous
    let chunkSize = os[oi]!;
    let start = oi;
    while (start > 0 && ot[start - 1] === ot[start]! * os[start]!) {
      start--;
      chunkSize *= os[start]!;
    }
    let stride = ot[oi]!;
    let acc = 1;
    while (acc < chunkSize) {
      if (ti < 0) return null;
      const d = target[ti]!;
      out[ti] = stride;
      stride *= d;
      acc *= d;
      ti--;
    }
    if (acc !== chunkSize) return null;
    oi = start - 1;
  }
  for (; ti >= 0; ti--) {
    if (target[ti] !== 1) return null;
    out[ti] = 1;
  }
  // size-1 dims inside chunks got a stride; fine for a size-1 dim.
  return out;
}

/** Physical offsets of every element of a strided layout, in row-major logical order. */
export function stridedOffsets(shape: readonly number[], strides: readonly number[], offset: number): Int32Array {
  const n = numelOf(shape);
  const out = new Int32Array(n);
  if (n === 0) return out;
  const nd = shape.length;
  if (nd === 0) {
    out[0] = offset;
    return out;
  }
  const last = shape[nd - 1]!;
  const lastStride = strides[nd - 1]!;
  const idx = new Array<number>(nd).fill(0);
  let base = offset;
  let pos = 0;
  while (pos < n) {
    let o = base;
    for (let j = 0; j < last; j++) {
      out[pos++] = o;
      o += lastStride;
    }
    // increment the multi-index over dims 0..nd-2
    let d = nd - 2;
    while (d >= 0) {
      idx[d]!++;
      base += strides[d]!;
      if (idx[d]! < shape[d]!) break;
      base -= idx[d]! * strides[d]!;
      idx[d] = 0;
      d--;
    }
    if (d < 0) break;
  }
  return out;
}

/** Copies a strided array's elements, in row-major order, into a flat buffer. */
export function copyInto(src: NDArray, dst: TypedArray, dstOffset = 0): void {
  const n = src.size;
  const d = src.data;
  if (src.isContiguous) {
    for (let i = 0; i < n; i++) dst[dstOffset + i] = d[src.offset + i]!;
    return;
  }
  const offs = src.offsets();
  for (let i = 0; i < n; i++) dst[dstOffset + i] = d[offs[i]!]!;
}
