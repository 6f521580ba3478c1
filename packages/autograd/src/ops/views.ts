// Differentiable views and layout ops: reshape, view, permute, expand, slice, squeeze, unsqueeze, contiguous, cast.
import * as K from '@adder/tensor';
import type { DType, NDArray } from '@adder/tensor';
import { sumToShape } from '../broadcast';
import { AutogradError } from '../errors';
import { defineFunction } from '../function';
import { Tensor } from '../tensor';

/** Options of reshape and view: the target shape (one -1 allowed). */
export interface ShapeOptions {
  shape: readonly number[];
}
/** What a view saves: the input's shape, which the gradient is given back in. */
interface InputShape {
  shape: readonly number[];
}

const ReshapeFn = defineFunction<ShapeOptions, InputShape>({
  name: 'reshape',
  forward(ctx, a: NDArray) {
    ctx.save({ shape: a.shape });
    return a.reshape(ctx.options.shape);
  },
  backward: (ctx, g) => [g.reshape(ctx.saved.shape)],
});
const ViewFn = defineFunction<ShapeOptions, InputShape>({
  name: 'view',
  forward(ctx, a: NDArray) {
    ctx.save({ shape: a.shape });
    return a.view(ctx.options.shape);
  },
  backward: (ctx, g) => [g.reshape(ctx.saved.shape)],
});

/** Options of permute: result dim i is input dim axes[i]. */
export interface PermuteOptions {
  axes: readonly number[];
}
const PermuteFn = defineFunction<PermuteOptions>({
  name: 'permute',
  forward: (ctx, a: NDArray) => a.permute(ctx.options.axes),
  backward(ctx, g) {
    const nd = g.ndim;
    const inverse = new Array<number>(nd);
    ctx.options.axes.forEach((ax, i) => (inverse[K.normalizeAxis('permute', ax, nd)] = i));
    return [g.permute(inverse)];
  },
});

// expand repeats the input along stretched and new dims, so its gradient sums over them.
const ExpandFn = defineFunction<ShapeOptions, InputShape>({
  name: 'expand',
  forward(ctx, a: NDArray) {
    ctx.save({ shape: a.shape });
    return a.expand(ctx.options.shape);
  },
  backward: (ctx, g) => [sumToShape(g, ctx.saved.shape)],
});

/** Options of slice: Python-style start:end:step along one axis. */
export interface SliceOptions {
  axis: number;
  start: number;
  end: number | undefined;
  step: number;
}
const SliceFn = defineFunction<SliceOptions, InputShape>({
  name: 'slice',
  forward(ctx, a: NDArray) {
    ctx.save({ shape: a.shape });
    const { axis, start, end, step } = ctx.options;
    return a.slice(axis, start, end, step);
  },
  // the gradient is zero outside the slice: scatter g into the sliced window of a zero array
  backward(ctx, g) {
    const { axis, start, end, step } = ctx.options;
    const out = K.zeros(ctx.saved.shape, g.dtype);
    K.assign(out.slice(axis, start, end, step), g);
    return [out];
  },
});

/** Options of squeeze: the axes to drop (undefined = every size-1 axis). */
export interface SqueezeOptions {
  axis: number | readonly number[] | undefined;
}
const SqueezeFn = defineFunction<SqueezeOptions, InputShape>({
  name: 'squeeze',
  forward(ctx, a: NDArray) {
    ctx.save({ shape: a.shape });
    return a.squeeze(ctx.options.axis);
  },
  backward: (ctx, g) => [g.reshape(ctx.saved.shape)],
});
/** Options of unsqueeze: where the new size-1 axis goes. */
export interface UnsqueezeOptions {
  axis: number;
}
const UnsqueezeFn = defineFunction<UnsqueezeOptions, InputShape>({
  name: 'unsqueeze',
  forward(ctx, a: NDArray) {
    ctx.save({ shape: a.shape });
    return a.unsqueeze(ctx.options.axis);
  },
  backward: (ctx, g) => [g.reshape(ctx.saved.shape)],
});
const ContiguousFn = defineFunction({
  name: 'contiguous',
  forward: (_ctx, a: NDArray) => (a.isContiguous ? a : a.clone()),
  backward: (_ctx, g) => [g],
});

/** Options of cast: the target float dtype. */
export interface CastOptions {
  dtype: DType;
}
const CastFn = defineFunction<CastOptions, { dtype: DType }>({
  name: 'cast',
  forward(ctx, a: NDArray) {
    ctx.save({ dtype: a.dtype });
    return a.dtype === ctx.options.dtype ? a : a.cast(ctx.options.dtype);
  },
  backward: (ctx, g) => [g.dtype === ctx.saved.dtype ? g : g.cast(ctx.saved.dtype)],
});

/** Same data in a new shape (a view when possible, else a copy); one size may be -1. */
export const reshape = (a: Tensor, shape: readonly number[]): Tensor => ReshapeFn(a, { shape });
/** A view in a new shape; throws when the strides do not allow a view. */
export const view = (a: Tensor, shape: readonly number[]): Tensor => ViewFn(a, { shape });
/** Reorders the dimensions. */
export const permute = (a: Tensor, axes: readonly number[]): Tensor => PermuteFn(a, { axes });
/** Swaps two dimensions (default: the last two). */
export function transpose(a: Tensor, dim0 = -2, dim1 = -1): Tensor {
  const nd = a.ndim;
  const axes = Array.from({ length: nd }, (_, i) => i);
  const d0 = K.normalizeAxis('transpose', dim0, nd);
  const d1 = K.normalizeAxis('transpose', dim1, nd);
  axes[d0] = d1;
  axes[d1] = d0;
  return permute(a, axes);
}
/** Broadcasts to a larger shape without copying (-1 keeps a size). */
export const expand = (a: Tensor, shape: readonly number[]): Tensor => ExpandFn(a, { shape });
/** start:end:step along one axis. */
export const slice = (a: Tensor, axis: number, start = 0, end?: number, step = 1): Tensor => SliceFn(a, { axis, start, end, step });
/** `length` elements from `start` along `axis` (torch.narrow: a negative start counts from the end, -d <= start <= d). */
export function narrow(a: Tensor, axis: number, start: number, length: number): Tensor {
  const d = a.shape[K.normalizeAxis('narrow', axis, a.ndim)]!;
  const s = start < 0 ? start + d : start;
  if (!Number.isInteger(start) || !Number.isInteger(length) || s < 0 || length < 0 || s + length > d) {
    throw new AutogradError('narrow', `start ${start} + length ${length} exceeds dim ${axis} of size ${d}`);
  }
  return slice(a, axis, s, s + length);
}
/** Drops size-1 axes. */
export const squeeze = (a: Tensor, axis?: number | readonly number[]): Tensor => SqueezeFn(a, { axis });
/** Inserts a size-1 axis. */
export const unsqueeze = (a: Tensor, axis: number): Tensor => UnsqueezeFn(a, { axis });
/** Flattens dims startDim..endDim into one. */
export function flatten(a: Tensor, startDim = 0, endDim = -1): Tensor {
  if (a.ndim === 0) return reshape(a, [1]);
  const s = K.normalizeAxis('flatten', startDim, a.ndim);
  const e = K.normalizeAxis('flatten', endDim, a.ndim);
  const shape = [...a.shape.slice(0, s), a.shape.slice(s, e + 1).reduce((p, d) => p * d, 1), ...a.shape.slice(e + 1)];
  return reshape(a, shape);
}
/** A row-major tensor (the same one when already contiguous... as a new graph node). */
export const contiguous = (a: Tensor): Tensor => ContiguousFn(a);
/** Converts dtype; float32 <-> float64 is differentiable, a cast to an integer dtype is not (the result is detached). */
export function cast(a: Tensor, dtype: DType): Tensor {
  if (!K.isFloat(dtype)) return new Tensor(a.data.cast(dtype));
  return CastFn(a, { dtype });
}
