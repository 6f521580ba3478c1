// Differentiable reductions: sum, mean, var, std, logsumexp, and logSoftmax (max/min/amax/amin: ./extrema).
import * as K from '@adder/tensor';
import type { Axes, NDArray } from '@adder/tensor';
import { AutogradError } from '../errors';
import { defineFunction } from '../function';
import { checkOptions } from '../options';
import type { Tensor } from '../tensor';
import { exp } from './elementwise';

/** Options of the multi-axis reductions. */
export interface ReduceOptions {
  axes: Axes;
  keepdim: boolean;
}

/** The input shape with reduced axes set to 1: the shape the output has with keepdim. */
export function keptShape(shape: readonly number[], axes: Axes): number[] {
  const red = new Set(K.normalizeAxes('reduce', axes, shape.length));
  return shape.map((d, i) => (red.has(i) ? 1 : d));
}

/** How many elements `axes` reduce together in `shape`. */
function reducedCount(shape: readonly number[], axes: Axes): number {
  return K.numelOf(shape) / K.numelOf(keptShape(shape, axes));
}

/** torch's dim=[] for amax/amin, std and norm: every dim (as undefined here); other dims unchanged. */
export const everyDimWhenEmpty = (dim: Axes): Axes => (Array.isArray(dim) && dim.length === 0 ? undefined : dim);

/** The input shape without the reduced axes: the shape the output has without keepdim. */
function keptShapeDropped(shape: readonly number[], axes: Axes): number[] {
  const red = new Set(K.normalizeAxes('reduce', axes, shape.length));
  return shape.filter((_, i) => !red.has(i));
}

/** Broadcasts an output gradient back over the reduced axes (a stride-0 view). */
export function expandBack(g: NDArray, inShape: readonly number[], axes: Axes): NDArray {
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

/**
 * The mean and the sum of squared deviations of each group that `axes` reduce, by Welford's update
 * (m_k = m_{k-1} + (x_k - m_{k-1}) / k, M2_k = M2_{k-1} + (x_k - m_{k-1})(x_k - m_k)), as torch's CPU var/std:
 * a constant group gets exactly its value as mean and 0 as M2 (a sum-then-divide mean can miss it by an ulp).
 * Both come back float64, in the kept shape; a bad axis is reported under `op`.
 */
function welford(op: 'var' | 'std', a: NDArray, axes: Axes): { mean: NDArray; m2: NDArray } {
  const red = K.normalizeAxes(op, axes, a.ndim);
  const keep = Array.from({ length: a.ndim }, (_, i) => i).filter((i) => !red.includes(i));
  const src = a.permute([...keep, ...red]).contiguous();
  const kept = keptShape(a.shape, axes);
  const len = reducedCount(a.shape, axes);
  const mean = K.zeros(kept, 'float64');
  const m2 = K.zeros(kept, 'float64');
  const d = src.data, base = src.offset;
  for (let r = 0; r < mean.size; r++) {
    let m = 0;
    let s = 0;
    for (let k = 0; k < len; k++) {
      const x = d[base + r * len + k]!;
      const delta = x - m;
      m += delta / (k + 1);
      s += delta * (x - m);
    }
    mean.data[r] = m;
    m2.data[r] = s;
  }
  return { mean, m2 };
}

/** Options of std: axes, keepdim, and the correction subtracted from the count (1 = Bessel's, unbiased). */
interface StdFnOptions extends ReduceOptions {
  correction: number;
}
const StdFn = defineFunction<StdFnOptions, { a: NDArray; mean: NDArray; out: NDArray }>({
  name: 'std',
  // sqrt(sum (x - mean)^2 / max(0, n - correction)), as torch.std
  forward(ctx, a: NDArray) {
    a.assertFloat('std');
    const { axes, keepdim, correction } = ctx.options;
    const { mean, m2 } = welford('std', a, axes);
    const divisor = Math.max(0, reducedCount(a.shape, axes) - correction);
    const kept = K.sqrt(K.div(m2, divisor)).cast(a.dtype);
    const out = keepdim ? kept : kept.reshape(keptShapeDropped(a.shape, axes));
    ctx.save({ a, mean, out });
    return out;
  },
  // d std / d x_i = (x_i - mean) / ((n - correction) std), and 0 where std is 0 (torch's std_backward masks it)
  backward(ctx, g) {
    const { a, mean, out } = ctx.saved;
    const { axes, correction } = ctx.options;
    const divisor = Math.max(0, reducedCount(a.shape, axes) - correction);
    const scale = K.where(K.eq(out, 0), 0, K.div(g, K.mulScalar(out, divisor)));
    const centered = K.sub(a, mean.cast(a.dtype).expand(a.shape));
    return [K.mul(centered, expandBack(scale, a.shape, axes))];
  },
});

/** Options of var: axes, keepdim, and Bessel's correction; `correction`, when given, replaces `unbiased`. */
export interface VarOptions extends ReduceOptions {
  unbiased: boolean;
  /** The divisor is max(0, n - correction) (torch's correction=); unbiased is correction 1. */
  correction?: number;
}
/** The divisor of var and std: n - correction, at least 0 (torch's). */
const varDivisor = (n: number, o: VarOptions): number => Math.max(0, n - (o.correction ?? (o.unbiased ? 1 : 0)));
const VarFn = defineFunction<VarOptions, { a: NDArray }>({
  name: 'var',
  forward(ctx, a: NDArray) {
    ctx.save({ a });
    const { axes, keepdim, unbiased, correction } = ctx.options;
    if (correction === undefined) return K.variance(a, axes, keepdim, unbiased);
    a.assertFloat('var');
    const kept = K.div(welford('var', a, axes).m2, varDivisor(reducedCount(a.shape, axes), ctx.options)).cast(a.dtype);
    return keepdim ? kept : kept.reshape(keptShapeDropped(a.shape, axes));
  },
  // d var / d x_i = 2 (x_i - mean) / (n - correction)
  backward(ctx, g) {
    const { a } = ctx.saved;
    const { axes } = ctx.options;
    const centered = K.sub(a, K.mean(a, axes, true));
    return [K.mul(K.mulScalar(centered, 2 / varDivisor(reducedCount(a.shape, axes), ctx.options)), expandBack(g, a.shape, axes))];
  },
});
/** The options of var as torch's keywords: `unbiased` (default true) or an integer `correction` (default 1), and keepdim. */
export interface VarianceOptions {
  unbiased?: boolean;
  correction?: number;
  keepdim?: boolean;
}
/** Checks torch's keywords of var and std (`unbiased` or `correction`, `keepdim`) under the op's name. */
function checkVarianceOptions(op: 'var' | 'std', options: VarianceOptions | undefined): void {
  checkOptions(op, options, ['unbiased', 'correction', 'keepdim']);
  const { unbiased, correction, keepdim } = options ?? {};
  if (unbiased !== undefined && correction !== undefined) throw new AutogradError(op, 'give unbiased or correction, not both');
  if (unbiased !== undefined && typeof unbiased !== 'boolean') throw new AutogradError(op, `unbiased must be a boolean, got ${String(unbiased)}`);
  if (correction !== undefined && !(Number.isInteger(correction) && correction >= 0)) {
    throw new AutogradError(op, `correction must be a non-negative integer, got ${String(correction)}`);
  }
  if (keepdim !== undefined && typeof keepdim !== 'boolean') throw new AutogradError(op, `keepdim must be a boolean, got ${String(keepdim)}`);
}
/**
 * var / variance with both call forms: `(dim, { unbiased | correction, keepdim })`, and the deprecated positional
 * `(axes, keepdim, unbiased)` when the third argument is a boolean or a fourth is given.
 */
export function varianceOf(a: Tensor, dim: Axes, options: VarianceOptions | boolean | undefined, unbiasedArg: boolean | undefined): Tensor {
  if (typeof options === 'boolean' || unbiasedArg !== undefined) {
    const keepdim = typeof options === 'boolean' ? options : false;
    return VarFn(a, { axes: dim, keepdim, unbiased: unbiasedArg ?? true });
  }
  checkVarianceOptions('var', options);
  const { unbiased = true, correction, keepdim = false } = options ?? {};
  return VarFn(a, correction === undefined ? { axes: dim, keepdim, unbiased } : { axes: dim, keepdim, unbiased: correction > 0, correction });
}

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
/**
 * Variance over `dim` (all dims when undefined) as torch.var(x, dim, unbiased=True, keepdim=False):
 * `variance(x, 1, { unbiased: false, keepdim: true })`, or torch.var(x, dim, correction=c): `{ correction: 2 }`. Also
 * exported as `var`.
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
/** The options of std as torch's keywords: `unbiased` (default true) or an integer `correction` (default 1), and keepdim. */
export type StdOptions = VarianceOptions;
/**
 * Standard deviation over `dim` (all dims when undefined) as torch.std(x, dim, unbiased=True, keepdim=False) or
 * torch.std(x, dim, correction=c): the square root of sum (x - mean)^2 / (n - correction); dim [] is every dim, as
 * torch's. Where it is 0 the gradient is 0, as torch's.
 */
export function std(a: Tensor, dim?: Axes, options: StdOptions = {}): Tensor {
  checkVarianceOptions('std', options);
  const { unbiased, correction, keepdim = false } = options;
  return StdFn(a, { axes: everyDimWhenEmpty(dim), keepdim, correction: correction ?? (unbiased === false ? 0 : 1) });
}
/** log(sum(exp(a))) over axes, stable for large values. */
export const logsumexp = (a: Tensor, axes?: Axes, keepdim = false): Tensor => LogsumexpFn(a, { axes, keepdim });
/** log(softmax(a)) along an axis, stable for large logits. */
export const logSoftmax = (a: Tensor, axis = -1): Tensor => LogSoftmaxFn(a, { axis });
/** softmax along an axis, as exp(logSoftmax) (composite: no Function of its own). */
export const softmax = (a: Tensor, axis = -1): Tensor => exp(logSoftmax(a, axis));
