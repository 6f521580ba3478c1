// Reductions over any set of axes, with keepdim: sum, mean, max/min (+arg), var, logsumexp, topk.
// Every reduction moves the reduced axes last, so each output element reduces one contiguous row.
// The row loops of sum/mean and of the max/min values are kernels of the registry ('reduce.rowSum',
// 'reduce.rowMax', 'reduce.rowMin'): js = the loops here, simd = ./simd/row-reduce-simd.ts for float32 rows.
import { getKernel, registerKernel } from './backend/registry';
import type { DType, TypedArray } from './dtype';
import { TensorError, fmtShape } from './errors';
import { NDArray } from './ndarray';
import { normalizeAxes, normalizeAxis, sameShape } from './shape';
import { Storage } from './storage';
import { parallelRowSums } from './parallel/reduce-chunks';
import { rowExtremaWasm, rowSumsWasm } from './simd/row-reduce-simd';

/**
 * Kernel 'reduce.rowSum': o[oo + r] = s / divisor (s itself when divisor is 1) where s is the float64 sum of row r
 * of `outer` contiguous rows of `len` starting at d[base]. Integer overflow checks are the caller's.
 */
export type RowSumKernel = (d: TypedArray, base: number, outer: number, len: number, o: TypedArray, oo: number, divisor: number) => void;
/** Kernels 'reduce.rowMax' and 'reduce.rowMin': o[oo + r] = the extremum of row r (len >= 1; NaN propagates). */
export type RowExtremumKernel = (d: TypedArray, base: number, outer: number, len: number, o: TypedArray, oo: number) => void;
/** The kernel name of the row sums (imported by the pool's chunk so that a worker loads this module). */
export const ROW_SUM_KERNEL = 'reduce.rowSum';

/** The js row sums: one float64 accumulator per row, in order (the oracle of the simd one). */
const rowSumsJs: RowSumKernel = (d, base, outer, len, o, oo, divisor) => {
  for (let r = 0; r < outer; r++) {
    let acc = 0;
    const start = base + r * len;
    for (let i = 0; i < len; i++) acc += d[start + i]!;
    o[oo + r] = divisor === 1 ? acc : acc / divisor;
  }
};

/** The js row extremum: the first element, replaced by each later greater (smaller) one; the first NaN wins. */
function rowExtremumJs(d: TypedArray, base: number, outer: number, len: number, o: TypedArray, oo: number, wantMax: boolean): void {
  for (let r = 0; r < outer; r++) {
    const start = base + r * len;
    let best = d[start]!;
    if (best === best) {
      for (let i = 1; i < len; i++) {
        const x = d[start + i]!;
        if (x !== x) {
          best = x;
          break;
        }
        if (wantMax ? x > best : x < best) best = x;
      }
    }
    o[oo + r] = best;
  }
}
const rowMaxJs: RowExtremumKernel = (d, base, outer, len, o, oo) => rowExtremumJs(d, base, outer, len, o, oo, true);
const rowMinJs: RowExtremumKernel = (d, base, outer, len, o, oo) => rowExtremumJs(d, base, outer, len, o, oo, false);

/** Below this many elements a simd row kernel hands over to js (the wasm call and copies cost more). */
const SIMD_MIN_ELEMENTS = 64;

registerKernel(ROW_SUM_KERNEL, 'js', rowSumsJs);
registerKernel<RowSumKernel>(ROW_SUM_KERNEL, 'simd', (d, base, outer, len, o, oo, divisor) => {
  if (outer * len >= SIMD_MIN_ELEMENTS && d instanceof Float32Array && (o instanceof Float32Array || o instanceof Float64Array)) rowSumsWasm(d, base, outer, len, o, oo, divisor);
  else rowSumsJs(d, base, outer, len, o, oo, divisor);
});
registerKernel('reduce.rowMax', 'js', rowMaxJs);
registerKernel<RowExtremumKernel>('reduce.rowMax', 'simd', (d, base, outer, len, o, oo) => {
  if (outer * len >= SIMD_MIN_ELEMENTS && len > 0 && d instanceof Float32Array && o instanceof Float32Array) rowExtremaWasm(d, base, outer, len, o, oo, true);
  else rowMaxJs(d, base, outer, len, o, oo);
});
registerKernel('reduce.rowMin', 'js', rowMinJs);
registerKernel<RowExtremumKernel>('reduce.rowMin', 'simd', (d, base, outer, len, o, oo) => {
  if (outer * len >= SIMD_MIN_ELEMENTS && len > 0 && d instanceof Float32Array && o instanceof Float32Array) rowExtremaWasm(d, base, outer, len, o, oo, false);
  else rowMinJs(d, base, outer, len, o, oo);
});

/** Axes to reduce: one, several, or undefined for all. */
export type Axes = number | readonly number[] | undefined;

interface Rows {
  /** contiguous data: `outer` rows of `len` elements */
  src: NDArray;
  outer: number;
  len: number;
  outShape: number[];
}

function toRows(op: string, a: NDArray, axes: Axes, keepdim: boolean): Rows {
  const red = normalizeAxes(op, axes, a.ndim);
  const redSet = new Set(red);
  const keep = Array.from({ length: a.ndim }, (_, i) => i).filter((i) => !redSet.has(i));
  const perm = [...keep, ...red];
  const src = a.permute(perm).contiguous();
  const len = red.reduce((p, i) => p * a.shape[i]!, 1);
  const outer = keep.reduce((p, i) => p * a.shape[i]!, 1);
  const outShape = keepdim ? a.shape.map((d, i) => (redSet.has(i) ? 1 : d)) : keep.map((i) => a.shape[i]!);
  return { src, outer, len, outShape };
}

function alloc(dtype: DType, shape: readonly number[]): NDArray {
  return new NDArray(Storage.alloc(dtype, shape.reduce((p, d) => p * d, 1)), shape);
}

/**
 * Where a reduction writes: `out` when given (checked: shape, dtype, contiguous; bumps its version), else a
 * fresh array. An `out` sharing the input's buffer gets a fresh array first; `settle` then copies it over.
 */
function target(op: string, a: NDArray, dtype: DType, shape: readonly number[], out: NDArray | undefined): NDArray {
  if (out === undefined) return alloc(dtype, shape);
  if (!sameShape(out.shape, shape)) throw new TensorError(op, `out has shape ${fmtShape(out.shape)}, expected ${fmtShape(shape)}`);
  if (out.dtype !== dtype) throw new TensorError(op, `out has dtype ${out.dtype}, expected ${dtype}`);
  if (!out.isContiguous) throw new TensorError(op, 'out must be contiguous');
  out.storage.version++;
  return out.storage === a.storage ? alloc(dtype, shape) : out;
}

/** Copies a result computed aside into `out` (when they differ) and returns what the caller sees. */
function settle(res: NDArray, out: NDArray | undefined): NDArray {
  if (out === undefined || res === out) return res;
  out.data.set(res.data, out.offset);
  return out;
}

/** Sum over axes (accumulated in float64; `out` avoids an allocation). A uint8 sum (e.g. of a mask) is int32; an int32 sum that overflows throws. */
export function sum(a: NDArray, axes?: Axes, keepdim = false, outArg?: NDArray): NDArray {
  const { src, outer, len, outShape } = toRows('sum', a, axes, keepdim);
  const out = target('sum', a, a.dtype === 'uint8' ? 'int32' : a.dtype, outShape, outArg);
  const d = src.data, o = out.data, base = src.offset, oo = out.offset;
  const intOut = out.dtype === 'int32';
  if (parallelRowSums(d, base, outer, len, o, oo, 1)) return settle(out, outArg); // many rows: on the pool
  if (!intOut) {
    getKernel<RowSumKernel>(ROW_SUM_KERNEL)(d, base, outer, len, o, oo, 1);
    return settle(out, outArg);
  }
  for (let r = 0; r < outer; r++) {
    let acc = 0;
    const start = base + r * len;
    for (let i = 0; i < len; i++) acc += d[start + i]!;
    if (acc > 2147483647 || acc < -2147483648) {
      throw new TensorError('sum', `the int32 sum ${acc} overflows int32; cast to float64 first`);
    }
    o[oo + r] = acc;
  }
  return settle(out, outArg);
}

/** Mean over axes (float only; `out` avoids an allocation). */
export function mean(a: NDArray, axes?: Axes, keepdim = false, outArg?: NDArray): NDArray {
  a.assertFloat('mean');
  const { src, outer, len, outShape } = toRows('mean', a, axes, keepdim);
  const out = target('mean', a, a.dtype, outShape, outArg);
  const d = src.data, o = out.data, base = src.offset, oo = out.offset;
  if (parallelRowSums(d, base, outer, len, o, oo, len)) return settle(out, outArg); // many rows: on the pool
  getKernel<RowSumKernel>(ROW_SUM_KERNEL)(d, base, outer, len, o, oo, len);
  return settle(out, outArg);
}

/** Variance over axes: unbiased (divide by n-1, torch's default) or biased (divide by n). */
export function variance(a: NDArray, axes?: Axes, keepdim = false, unbiased = true, outArg?: NDArray): NDArray {
  a.assertFloat('var');
  const { src, outer, len, outShape } = toRows('var', a, axes, keepdim);
  const out = target('var', a, a.dtype, outShape, outArg);
  const d = src.data, o = out.data, base = src.offset, oo = out.offset;
  const denom = unbiased ? len - 1 : len;
  for (let r = 0; r < outer; r++) {
    const start = base + r * len;
    let m = 0;
    for (let i = 0; i < len; i++) m += d[start + i]!;
    m /= len;
    let ss = 0;
    for (let i = 0; i < len; i++) {
      const x = d[start + i]! - m;
      ss += x * x;
    }
    o[oo + r] = denom > 0 ? ss / denom : NaN;
  }
  return settle(out, outArg);
}

function extremum(op: string, a: NDArray, axes: Axes, keepdim: boolean, wantMax: boolean): { values: NDArray; indices: NDArray } {
  const { src, outer, len, outShape } = toRows(op, a, axes, keepdim);
  if (len === 0) throw new TensorError(op, `cannot reduce over an empty dimension of a tensor of shape ${fmtShape(a.shape)}`);
  const values = alloc(a.dtype, outShape);
  const indices = alloc('int32', outShape);
  const d = src.data, v = values.data, ix = indices.data, base = src.offset;
  for (let r = 0; r < outer; r++) {
    const start = base + r * len;
    let best = d[start]!;
    let bi = 0;
    if (best === best) {
      for (let i = 1; i < len; i++) {
        const x = d[start + i]!;
        if (x !== x) {
          best = x;
          bi = i;
          break; // NaN propagates, as in PyTorch
        }
        if (wantMax ? x > best : x < best) {
          best = x;
          bi = i;
        }
      }
    }
    v[r] = best;
    ix[r] = bi;
  }
  return { values, indices };
}

/** Max over one axis (or all) with the first index of the max; NaN propagates. */
export function maxWithIndices(a: NDArray, axis?: number, keepdim = false): { values: NDArray; indices: NDArray } {
  return extremum('max', a, axis, keepdim, true);
}
/** Min over one axis (or all) with the first index of the min. */
export function minWithIndices(a: NDArray, axis?: number, keepdim = false): { values: NDArray; indices: NDArray } {
  return extremum('min', a, axis, keepdim, false);
}
/** The values of extremum without the indices: the row kernels. */
function extremumValues(op: string, a: NDArray, axes: Axes, keepdim: boolean, wantMax: boolean): NDArray {
  const { src, outer, len, outShape } = toRows(op, a, axes, keepdim);
  if (len === 0) throw new TensorError(op, `cannot reduce over an empty dimension of a tensor of shape ${fmtShape(a.shape)}`);
  const values = alloc(a.dtype, outShape);
  getKernel<RowExtremumKernel>(wantMax ? 'reduce.rowMax' : 'reduce.rowMin')(src.data, src.offset, outer, len, values.data, 0);
  return values;
}

/** Max over any set of axes (one, several, or all when undefined; torch.amax). NaN propagates. */
export function max(a: NDArray, axes?: Axes, keepdim = false): NDArray {
  return extremumValues('max', a, axes, keepdim, true);
}
/** Min over any set of axes (torch.amin). NaN propagates. */
export function min(a: NDArray, axes?: Axes, keepdim = false): NDArray {
  return extremumValues('min', a, axes, keepdim, false);
}
/** Index of the max over one axis (flat index when axis is undefined). */
export function argmax(a: NDArray, axis?: number, keepdim = false): NDArray {
  return extremum('argmax', a, axis, keepdim, true).indices;
}
/** Index of the min over one axis. */
export function argmin(a: NDArray, axis?: number, keepdim = false): NDArray {
  return extremum('argmin', a, axis, keepdim, false).indices;
}

/** log(sum(exp(a))) over axes, stable: m + log(sum(exp(a - m))) with m the row max. */
export function logsumexp(a: NDArray, axes?: Axes, keepdim = false, outArg?: NDArray): NDArray {
  a.assertFloat('logsumexp');
  const { src, outer, len, outShape } = toRows('logsumexp', a, axes, keepdim);
  const out = target('logsumexp', a, a.dtype, outShape, outArg);
  const d = src.data, o = out.data, base = src.offset, oo = out.offset;
  for (let r = 0; r < outer; r++) {
    const start = base + r * len;
    let m = -Infinity;
    for (let i = 0; i < len; i++) if (d[start + i]! > m) m = d[start + i]!;
    if (m === -Infinity || !Number.isFinite(m)) {
      let s = 0;
      for (let i = 0; i < len; i++) s += Math.exp(d[start + i]!);
      o[oo + r] = Math.log(s);
      continue;
    }
    let s = 0;
    for (let i = 0; i < len; i++) s += Math.exp(d[start + i]! - m);
    o[oo + r] = m + Math.log(s);
  }
  return settle(out, outArg);
}

/** Ascending order with NaN above +Infinity, as torch.sort and torch.topk treat NaN. */
function compareNaNLast(u: number, v: number): number {
  if (u !== u) return v !== v ? 0 : 1;
  if (v !== v) return -1;
  return u < v ? -1 : u > v ? 1 : 0;
}

/** The k largest (or smallest) values along an axis, sorted, with their indices (torch.topk). */
export function topk(a: NDArray, k: number, axis = -1, largest = true): { values: NDArray; indices: NDArray } {
  const ax = normalizeAxis('topk', axis, a.ndim);
  const n = a.ndim === 0 ? 1 : a.shape[ax]!;
  if (!Number.isInteger(k) || k < 0 || k > n) throw new TensorError('topk', `k=${k} is out of range for dim ${ax} of size ${n}`);
  const { src, outer, len } = toRows('topk', a, a.ndim === 0 ? undefined : [ax], true);
  const moved = a.ndim === 0 ? [] : [...a.shape.filter((_, i) => i !== ax), k];
  const values = alloc(a.dtype, moved);
  const indices = alloc('int32', moved);
  const d = src.data, base = src.offset;
  const order = new Array<number>(len);
  for (let r = 0; r < outer; r++) {
    const start = base + r * len;
    for (let i = 0; i < len; i++) order[i] = i;
    order.sort((x, y) => {
      const dx = d[start + x]!, dy = d[start + y]!;
      const c = largest ? compareNaNLast(dy, dx) : compareNaNLast(dx, dy);
      return c !== 0 ? c : x - y; // ties keep index order
    });
    for (let j = 0; j < k; j++) {
      values.data[r * k + j] = d[start + order[j]!]!;
      indices.data[r * k + j] = order[j]!;
    }
  }
  if (a.ndim === 0) return { values, indices };
  // move the k axis back to its place
  const perm = Array.from({ length: a.ndim - 1 }, (_, i) => i);
  perm.splice(ax, 0, a.ndim - 1);
  return { values: values.permute(perm).contiguous(), indices: indices.permute(perm).contiguous() };
}
