// Pure shape arithmetic: strides, broadcasting and axis normalisation (MiniTorch's tensor_data).
import { TensorError, fmtShape } from './errors';

/** Row-major (C-contiguous) strides of a shape. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

/** Number of elements of a shape (1 for the 0-d shape []). */
export function numelOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Checks that every size is a non-negative integer. */
export function checkShape(op: string, shape: readonly number[]): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new TensorError(op, `sizes must be non-negative integers, got ${fmtShape(shape)}`);
    }
  }
}

/** NumPy broadcasting: align trailing dims; each pair must be equal or contain a 1. */
export function broadcastShapes(op: string, a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)]!;
    const db = i < n - b.length ? 1 : b[i - (n - b.length)]!;
    if (da !== db && da !== 1 && db !== 1) {
      throw new TensorError(op, `shapes ${fmtShape(a)} and ${fmtShape(b)} are not broadcastable (dim ${i}: ${da} vs ${db})`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Turns a possibly negative axis into 0..ndim-1, or throws naming the op. */
export function normalizeAxis(op: string, axis: number, ndim: number): number {
  if (!Number.isInteger(axis) || axis < -Math.max(ndim, 1) || axis >= Math.max(ndim, 1)) {
    throw new TensorError(op, `axis ${axis} is out of range for a tensor of ${ndim} dimensions (expected -${Math.max(ndim, 1)}..${Math.max(ndim, 1) - 1})`);
  }
  return axis < 0 ? axis + Math.max(ndim, 1) : axis;
}

/** Normalises a list of axes (undefined = all), sorted and without repeats. */
export function normalizeAxes(op: string, axes: number | readonly number[] | undefined, ndim: number): number[] {
  if (axes === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof axes === 'number' ? [axes] : axes;
  const seen = new Set<number>();
  for (const a of list) {
    // a 0-d array accepts axis 0 or -1 (as PyTorch), which reduces nothing: it is dropped below
    const n = normalizeAxis(op, a, ndim);
    if (seen.has(n)) throw new TensorError(op, `axis ${a} repeated in ${JSON.stringify(list)}`);
    seen.add(n);
  }
  return [...seen].filter((a) => a < ndim).sort((x, y) => x - y);
}

/** True when two shapes are equal. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
