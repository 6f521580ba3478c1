// Differentiable reductions: sum, mean, var, max/min (over one axis), logsumexp, and logSoftmax.
import * as K from '@adder/tensor';
import type { Axes, NDArray } from '@adder/tensor';
import { defineFunction, type ApplyFn } from '../function';
import { checkOptions } from '../options';
import type { Tensor } from '../tensor';
import { exp } from './elementwise';

/** Options of the multi-axis reductions. */
export interface ReduceOptions {
  axes: Axes;
  keepdim: boolean;
}

/** The input shape with reduced axes set to 1: the shape the output has with keepdim. */
function keptShape(shape: readonly number[], axes: Axes): number[] {
  const red = new Set(K.normalizeAxes('reduce', axes, shape.length));
  return shape.map((d, i) => (red.has(i) ? 1 : d));
}

/** Broadcasts an output gradient back over the reduced axes (a stride-0 view). */
function expandBack(g: NDArray, inShape: readonly number[], axes: Axes): NDArray {
  return g.reshape(keptShape(inShape, axes)).expand(inShape);
}

/** What a reduction saves when its gradient needs only the input's shape. */
interface InputShape {
  shape: readonly number[];
}

const SumFn = defineFunction<ReduceOptions, InputShape>({
  name: 'sum',
  forward(ctx, a: NDArray) {
    ctx.save({ shape: a.shape });
    return K.sum(a, ctx.options.axes, ctx.options.keepdim);
  },
  backward: (ctx, g) => [expandBack(g, ctx.saved.shape, ctx.options.axes)],
});
const MeanFn = defineFunction<ReduceOptions, InputShape>({
  name: 'mean',
  forward(ctx, a: NDArray) {
    ctx.save({ shape: a.shape });
    return K.mean(a, ctx.options.axes, ctx.options.keepdim);
  },
  backward(ctx, g) {
    const { shape } = ctx.saved;
    const kept = keptShape(shape, ctx.options.axes);
    const n = K.numelOf(shape) / K.numelOf(kept);
    return [expandBack(K.mulScalar(g, 1 / n), shape, ctx.options.axes)];
  },
});

/** Options of var: axes, keepdim, and Bessel's correction. */
export interface VarOptions extends ReduceOptions {
  unbiased: boolean;
}
const VarFn = defineFunction<VarOptions, { a: NDArray }>({
  name: 'var',
  forward(ctx, a: NDArray) {
    ctx.save({ a });
    return K.variance(a, ctx.options.axes, ctx.options.keepdim, ctx.options.unbiased);
  },
  // d var / d x_i = 2 (x_i - mean) / (n - unbiased)
  backward(ctx, g) {
    const { a } = ctx.saved;
    const { axes, unbiased } = ctx.options;
    const kept = keptShape(a.shape, axes);
    const n = a.size / K.numelOf(kept);
    const centered = K.sub(a, K.mean(a, axes, true));
    return [K.mul(K.mulScalar(centered, 2 / (unbiased ? n - 1 : n)), expandBack(g, a.shape, axes))];
  },
});

/** Options of max/min: one axis (undefined = all) and keepdim. */
export interface ExtremumOptions {
  axis: number | undefined;
  keepdim: boolean;
}

/** Routes the gradient to the arg-extremum index (the first one, as maxWithIndices picks). */
function extremumBackward(g: NDArray, shape: readonly number[], axis: number | undefined, indices: NDArray): NDArray {
  if (axis === undefined) {
    const out = K.zeros(shape, g.dtype);
    out.data[indices.item()] = g.item();
    return out;
  }
  const ax = K.normalizeAxis('max', axis, shape.length);
  const keptIdx = indices.reshape(shape.map((d, i) => (i === ax ? 1 : d)));
  const keptG = g.reshape(keptIdx.shape);
  return K.scatterAdd(shape, ax, keptIdx, keptG);
}
/** What max and min save: the input's shape and the int32 arg-extremum indices. */
interface ExtremumSaved {
  shape: readonly number[];
  indices: NDArray;
}
/** Registers max or min: the kernel's values forward, its indices saved to route the gradient back. */
function defineExtremum(name: 'max' | 'min', withIndices: typeof K.maxWithIndices): ApplyFn<ExtremumOptions, ExtremumSaved> {
  return defineFunction<ExtremumOptions, ExtremumSaved>({
    name,
    forward(ctx, a: NDArray) {
      const { values, indices } = withIndices(a, ctx.options.axis, ctx.options.keepdim);
      ctx.save({ shape: a.shape, indices });
      return values;
    },
    backward: (ctx, g) => [extremumBackward(g, ctx.saved.shape, ctx.options.axis, ctx.saved.indices)],
  });
}
const MaxFn = defineExtremum('max', K.maxWithIndices);
const MinFn = defineExtremum('min', K.minWithIndices);

const LogsumexpFn = defineFunction<ReduceOptions, { a: NDArray; out: NDArray }>({
  name: 'logsumexp',
  forward(ctx, a: NDArray) {
    const out = K.logsumexp(a, ctx.options.axes, ctx.options.keepdim);
    ctx.save({ a, out });
    return out;
  },
  // d lse / d x_i = exp(x_i - lse) = softmax(x)_i
  backward(ctx, g) {
    const { a, out } = ctx.saved;
    const { axes } = ctx.options;
    const softmax = K.exp(K.sub(a, expandBack(out, a.shape, axes)));
    return [K.mul(softmax, expandBack(g, a.shape, axes))];
  },
});

/** Options of logSoftmax: the class axis. */
export interface SoftmaxOptions {
  axis: number;
}
const LogSoftmaxFn = defineFunction<SoftmaxOptions, { out: NDArray }>({
  name: 'logSoftmax',
  // x - logsumexp(x): stable for large logits because the kernel subtracts the row max
  forward(ctx, a: NDArray) {
    const out = K.sub(a, K.logsumexp(a, ctx.options.axis, true));
    ctx.save({ out });
    return out;
  },
  // d/dx = g - softmax * sum(g)
  backward(ctx, g) {
    const { out } = ctx.saved;
    return [K.sub(g, K.mul(K.exp(out), K.sum(g, ctx.options.axis, true)))];
  },
});

/** Sum over axes (all when undefined). */
export const sum = (a: Tensor, axes?: Axes, keepdim = false): Tensor => SumFn(a, { axes, keepdim });
/** Mean over axes. */
export const mean = (a: Tensor, axes?: Axes, keepdim = false): Tensor => MeanFn(a, { axes, keepdim });
/** The options of var as torch's keywords: Bessel's correction (default true) and keepdim (default false). */
export interface VarianceOptions {
  unbiased?: boolean;
  keepdim?: boolean;
}
/**
 * var / variance with both call forms: `(dim, { unbiased, keepdim })`, and the deprecated positional
 * `(axes, keepdim, unbiased)` when the third argument is a boolean or a fourth is given.
 */
export function varianceOf(a: Tensor, dim: Axes, options: VarianceOptions | boolean | undefined, unbiasedArg: boolean | undefined): Tensor {
  if (typeof options === 'boolean' || unbiasedArg !== undefined) {
    const keepdim = typeof options === 'boolean' ? options : false;
    return VarFn(a, { axes: dim, keepdim, unbiased: unbiasedArg ?? true });
  }
  checkOptions('var', options, ['unbiased', 'keepdim']);
  return VarFn(a, { axes: dim, keepdim: options?.keepdim ?? false, unbiased: options?.unbiased ?? true });
}
/**
 * Variance over `dim` (all dims when undefined) as torch.var(x, dim, unbiased=True, keepdim=False):
 * `variance(x, 1, { unbiased: false, keepdim: true })`. Also exported as `var`.
 */
export function variance(a: Tensor, dim?: Axes, options?: VarianceOptions): Tensor;
/**
 * @deprecated the positional form `(axes, keepdim, unbiased)` is removed in the next release: torch's positional
 * order is (dim, unbiased, keepdim), so pass `{ unbiased, keepdim }` instead (`variance(x, 0, { keepdim: true })`).
 */
export function variance(a: Tensor, axes: Axes, keepdim: boolean | undefined, unbiased?: boolean): Tensor;
export function variance(a: Tensor, dim?: Axes, options?: VarianceOptions | boolean, unbiased?: boolean): Tensor {
  return varianceOf(a, dim, options, unbiased);
}
/** Max over one axis (or all); the gradient goes to the first maximal element. */
export const max = (a: Tensor, axis?: number, keepdim = false): Tensor => MaxFn(a, { axis, keepdim });
/** Min over one axis (or all); the gradient goes to the first minimal element. */
export const min = (a: Tensor, axis?: number, keepdim = false): Tensor => MinFn(a, { axis, keepdim });
/** log(sum(exp(a))) over axes, stable for large values. */
export const logsumexp = (a: Tensor, axes?: Axes, keepdim = false): Tensor => LogsumexpFn(a, { axes, keepdim });
/** log(softmax(a)) along an axis, stable for large logits. */
export const logSoftmax = (a: Tensor, axis = -1): Tensor => LogSoftmaxFn(a, { axis });
/** softmax along an axis, as exp(logSoftmax) (composite: no Function of its own). */
export const softmax = (a: Tensor, axis = -1): Tensor => exp(logSoftmax(a, axis));
