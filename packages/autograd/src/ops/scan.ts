// Differentiable scans and products along one dim: cumsum and prod. Both move the dim last (a contiguous copy)
// and run one loop per row, accumulating in float64 and rounding once when stored, as torch's CPU kernels.
import * as K from '@adder/tensor';
import { NDArray, Storage } from '@adder/tensor';
import { AutogradError } from '../errors';
import { defineFunction } from '../function';
import type { Tensor } from '../tensor';

/** `a` with dim `ax` moved last as `rows` contiguous rows of `len`, and `back` to put a result of that layout back. */
interface Rows {
  src: NDArray;
  rows: number;
  len: number;
  /** A contiguous array of `src`'s shape, in `a`'s dim order. */
  back(moved: NDArray): NDArray;
}
function rowsAlong(a: NDArray, ax: number): Rows {
  const nd = a.ndim;
  if (nd === 0) return { src: a.contiguous(), rows: 1, len: 1, back: (m) => m };
  const perm = [...Array.from({ length: nd }, (_, i) => i).filter((i) => i !== ax), ax];
  const len = a.shape[ax]!;
  const inverse = new Array<number>(nd);
  perm.forEach((p, i) => (inverse[p] = i));
  return {
    src: a.permute(perm).contiguous(),
    rows: K.numelOf(a.shape.filter((_, i) => i !== ax)),
    len,
    back: (m) => m.permute(inverse).contiguous(),
  };
}

/** A fresh contiguous array of a dtype and shape. */
const alloc = (dtype: K.DType, shape: readonly number[]): NDArray => new NDArray(Storage.alloc(dtype, K.numelOf(shape)), shape);

/** Running sums along the last dim of contiguous rows: forwards (cumsum) or from the end (its gradient). */
function runningSums(r: Rows, shape: readonly number[], fromEnd: boolean): NDArray {
  const out = alloc(r.src.dtype, r.src.shape);
  const d = r.src.data, o = out.data, base = r.src.offset;
  for (let row = 0; row < r.rows; row++) {
    const start = row * r.len;
    let acc = 0;
    for (let k = 0; k < r.len; k++) {
      const i = start + (fromEnd ? r.len - 1 - k : k);
      acc += d[base + i]!;
      o[i] = acc;
    }
  }
  return r.back(out).reshape(shape);
}

const CumsumFn = defineFunction<{ axis: number }, { axis: number }>({
  name: 'cumsum',
  forward(ctx, a: NDArray) {
    a.assertFloat('cumsum');
    const ax = K.normalizeAxis('cumsum', ctx.options.axis, Math.max(1, a.ndim));
    ctx.save({ axis: ax });
    return runningSums(rowsAlong(a, ax), a.shape, false);
  },
  // y_j = sum_{i <= j} x_i, so dx_i = sum_{j >= i} g_j: the running sums of g from the end
  backward: (ctx, g) => [runningSums(rowsAlong(g, ctx.saved.axis), g.shape, true)],
});

/** Options of prod: one dim (undefined = all elements) and keepdim. */
interface ProdOptions {
  axis: number | undefined;
  keepdim: boolean;
}
/** The dim prod reduces, and the shape of its result. */
function prodGeometry(a: NDArray, o: ProdOptions): { ax: number; flat: NDArray; outShape: number[] } {
  if (o.axis === undefined) {
    return { ax: 0, flat: a.reshape([a.size]), outShape: o.keepdim ? a.shape.map(() => 1) : [] };
  }
  const ax = K.normalizeAxis('prod', o.axis, Math.max(1, a.ndim));
  const outShape = a.ndim === 0 ? [] : o.keepdim ? a.shape.map((d, i) => (i === ax ? 1 : d)) : a.shape.filter((_, i) => i !== ax);
  return { ax, flat: a, outShape };
}

const ProdFn = defineFunction<ProdOptions, { a: NDArray }>({
  name: 'prod',
  forward(ctx, a: NDArray) {
    a.assertFloat('prod');
    ctx.save({ a });
    const { ax, flat, outShape } = prodGeometry(a, ctx.options);
    const r = rowsAlong(flat, ax);
    const out = alloc(a.dtype, outShape);
    const d = r.src.data, o = out.data, base = r.src.offset;
    for (let row = 0; row < r.rows; row++) {
      let acc = 1;
      for (let k = 0; k < r.len; k++) acc *= d[base + row * r.len + k]!;
      o[row] = acc;
    }
    return out;
  },
  // dx_i = g * prod_{j != i} x_j, as (product of the x before i) * (product of the x after i): no division,
  // so exact where x has zeros (torch's prod_safe_zeros_backward)
  backward(ctx, g) {
    const { a } = ctx.saved;
    const { ax, flat } = prodGeometry(a, ctx.options);
    const r = rowsAlong(flat, ax);
    const gc = g.contiguous();
    const gs = gc.data;
    const out = alloc(a.dtype, r.src.shape);
    const d = r.src.data, o = out.data, base = r.src.offset;
    for (let row = 0; row < r.rows; row++) {
      const start = row * r.len;
      let before = 1;
      for (let k = 0; k < r.len; k++) {
        o[start + k] = before;
        before *= d[base + start + k]!;
      }
      let after = 1;
      for (let k = r.len - 1; k >= 0; k--) {
        o[start + k] = o[start + k]! * after * gs[gc.offset + row]!;
        after *= d[base + start + k]!;
      }
    }
    return [r.back(out).reshape(a.shape)];
  },
});

/** torch.cumsum(x, dim): running sums along `dim` (float64 accumulation). */
export function cumsum(a: Tensor, dim: number): Tensor {
  if (typeof dim !== 'number') throw new AutogradError('cumsum', `dim must be a number, got ${String(dim)}`);
  return CumsumFn(a, { axis: dim });
}
/**
 * torch.prod(x) (all elements) or torch.prod(x, dim, keepdim=False): the product, with a gradient that is exact
 * where x has zeros (products of the other elements, never a division by x).
 */
export function prod(a: Tensor, dim?: number, keepdim = false): Tensor {
  if (dim !== undefined && typeof dim !== 'number') throw new AutogradError('prod', `dim must be a number (one dim, as torch.prod), got ${JSON.stringify(dim)}`);
  return ProdFn(a, { axis: dim, keepdim });
}
