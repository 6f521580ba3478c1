// Differentiable extrema as torch's: max/min over everything (a Tensor), max/min along one dim ({ values,
// indices }), and amax/amin over any set of dims. Two gradient rules, as torch 1.13's derivatives.yaml:
// along a dim the gradient goes to the returned index; over everything, and for amax/amin, the elements
// tied with the result share it evenly (grad / count to each).
import * as K from '@adder/tensor';
import type { Axes, NDArray } from '@adder/tensor';
import { defineFunction, type ApplyFn } from '../function';
import { Tensor } from '../tensor';
import { everyDimWhenEmpty, expandBack } from './reduce';

/** Options of max/min: one axis (undefined = all) and keepdim. */
export interface ExtremumOptions {
  axis: number | undefined;
  keepdim: boolean;
}

/** max or min along a dim: the values and the int32 index of each along that dim (torch.return_types.max). */
export interface ValuesIndices {
  values: Tensor;
  indices: Tensor;
}

/**
 * The gradient shared evenly by the elements of `a` equal to the reduced result `out` (NaN counts as equal
 * to a NaN result): g / count at each tied element, 0 elsewhere (torch's evenly_distribute_backward).
 */
function shareAmongTies(a: NDArray, out: NDArray, g: NDArray, axes: Axes): NDArray {
  const outB = expandBack(out, a.shape, axes);
  const bothNaN = K.mul(K.ne(a, a), K.ne(outB, outB));
  const tie = K.maximum(K.eq(a, outB), bothNaN);
  const count = K.sum(tie, axes, true).cast(g.dtype);
  return K.where(tie, K.div(expandBack(g, a.shape, axes), count), 0);
}

/** What max and min save: the input, the result and (along a dim) the int32 indices. */
interface ExtremumSaved {
  a: NDArray;
  out: NDArray;
  indices: NDArray | null;
}
/** Registers max or min: over everything (ties share the gradient), or along a dim (the gradient to the index). */
function defineExtremum(name: 'max' | 'min', withIndices: typeof K.maxWithIndices): ApplyFn<ExtremumOptions, ExtremumSaved> {
  return defineFunction<ExtremumOptions, ExtremumSaved>({
    name,
    forward(ctx, a: NDArray) {
      const { axis, keepdim } = ctx.options;
      const { values, indices } = withIndices(a, axis, keepdim);
      ctx.save({ a, out: values, indices: axis === undefined ? null : indices });
      return values;
    },
    backward(ctx, g) {
      const { a, out, indices } = ctx.saved;
      const { axis } = ctx.options;
      if (indices === null) return [shareAmongTies(a, out, g, undefined)];
      const ax = K.normalizeAxis(name, axis!, a.ndim);
      const kept = a.shape.map((d, i) => (i === ax ? 1 : d));
      return [K.scatterAdd(a.shape, ax, indices.reshape(kept), g.reshape(kept))];
    },
  });
}
const MaxFn = defineExtremum('max', K.maxWithIndices);
const MinFn = defineExtremum('min', K.minWithIndices);

/** Registers amax or amin over a set of axes: the kernel's values, the gradient shared by ties. */
function defineAmax(name: 'amax' | 'amin', reduce: typeof K.max): ApplyFn<{ axes: Axes; keepdim: boolean }, { a: NDArray; out: NDArray }> {
  return defineFunction<{ axes: Axes; keepdim: boolean }, { a: NDArray; out: NDArray }>({
    name,
    forward(ctx, a: NDArray) {
      const out = reduce(a, ctx.options.axes, ctx.options.keepdim);
      ctx.save({ a, out });
      return out;
    },
    backward: (ctx, g) => [shareAmongTies(ctx.saved.a, ctx.saved.out, g, ctx.options.axes)],
  });
}
const AmaxFn = defineAmax('amax', K.max);
const AminFn = defineAmax('amin', K.min);

/** One of torch.max's two forms: over everything (a Tensor) or along a dim (values and indices). */
function extremumOf(fn: typeof MaxFn, arg: typeof K.argmax, a: Tensor, dim: number | undefined, keepdim: boolean): Tensor | ValuesIndices {
  const values = fn(a, { axis: dim, keepdim });
  if (dim === undefined) return values;
  return { values, indices: new Tensor(arg(a.data, dim, keepdim)) };
}

/** torch.max(x): the largest element; elements tied with it share the gradient evenly. */
export function max(a: Tensor, dim?: undefined, keepdim?: boolean): Tensor;
/**
 * torch.max(x, dim, keepdim=False): the largest value along `dim` and its index (the first one on ties, as torch's
 * CPU kernel; NaN wins); the gradient goes to that index. The Tensor result of the old `max(x, axis)` is `amax(x, axis)`.
 */
export function max(a: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function max(a: Tensor, dim?: number, keepdim = false): Tensor | ValuesIndices {
  return extremumOf(MaxFn, K.argmax, a, dim, keepdim);
}
/** torch.min(x): the smallest element; elements tied with it share the gradient evenly. */
export function min(a: Tensor, dim?: undefined, keepdim?: boolean): Tensor;
/** torch.min(x, dim, keepdim=False): the smallest value along `dim` and its index; the gradient goes to that index. */
export function min(a: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function min(a: Tensor, dim?: number, keepdim = false): Tensor | ValuesIndices {
  return extremumOf(MinFn, K.argmin, a, dim, keepdim);
}

/** The dims of amax/amin checked under the op's name; torch's dim=() (the default) means every dim. */
function dimsOf(op: 'amax' | 'amin', a: Tensor, dim: Axes): Axes {
  K.normalizeAxes(op, dim, a.ndim);
  return everyDimWhenEmpty(dim);
}

/** torch.amax: the max over one or several dims (all when undefined or []); tied elements share the gradient evenly. */
export const amax = (a: Tensor, dim?: Axes, keepdim = false): Tensor => AmaxFn(a, { axes: dimsOf('amax', a, dim), keepdim });
/** torch.amin: the min over one or several dims (all when undefined or []); tied elements share the gradient evenly. */
export const amin = (a: Tensor, dim?: Axes, keepdim = false): Tensor => AminFn(a, { axes: dimsOf('amin', a, dim), keepdim });
