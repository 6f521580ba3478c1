// Differentiable joins and padding: cat (concat is its deprecated alias), stack and constant pad.
import * as K from '@adder/tensor';
import type { NDArray } from '@adder/tensor';
import { AutogradError } from '../errors';
import { defineFunction } from '../function';
import type { Tensor } from '../tensor';

/** Options of cat and stack: the axis. */
export interface JoinOptions {
  axis: number;
}
const CatFn = defineFunction<JoinOptions, { axis: number; sizes: number[] }>({
  name: 'cat',
  forward(ctx, ...arrays: NDArray[]) {
    const out = K.concat(arrays, ctx.options.axis);
    const axis = K.normalizeAxis('cat', ctx.options.axis, out.ndim);
    ctx.save({ axis, sizes: arrays.map((a) => a.shape[axis]!) });
    return out;
  },
  // each input's gradient is its window of the output gradient
  backward(ctx, g) {
    const { axis, sizes } = ctx.saved;
    let start = 0;
    return sizes.map((size, i) => {
      const piece = ctx.needsInputGrad[i] ? g.slice(axis, start, start + size) : null;
      start += size;
      return piece;
    });
  },
});
const StackFn = defineFunction<JoinOptions, { axis: number }>({
  name: 'stack',
  forward(ctx, ...arrays: NDArray[]) {
    const out = K.stack(arrays, ctx.options.axis);
    ctx.save({ axis: K.normalizeAxis('stack', ctx.options.axis, out.ndim) });
    return out;
  },
  backward(ctx, g) {
    const { axis } = ctx.saved;
    return ctx.needsInputGrad.map((need, i) => (need ? g.slice(axis, i, i + 1).squeeze(axis) : null));
  },
});

/** Options of pad: (before, after) pairs from the last dim (as torch.nn.functional.pad), and the fill value. */
export interface PadOptions {
  pads: readonly number[];
  value: number;
}
const PadFn = defineFunction<PadOptions>({
  name: 'pad',
  forward: (ctx, x: NDArray) => K.pad(x, ctx.options.pads, ctx.options.value),
  // padding by the negated amounts crops the gradient back (and zero-fills what a negative pad cropped)
  backward: (ctx, g) => [K.pad(g, ctx.options.pads.map((p) => -p), 0)],
});

/** Concatenates along an existing axis (torch.cat). */
export function cat(tensors: readonly Tensor[], axis = 0): Tensor {
  if (tensors.length === 0) throw new AutogradError('cat', 'expected at least one tensor');
  return CatFn(...tensors, { axis });
}
/** @deprecated use `cat` (torch's name); `concat` is removed in the next release. */
export const concat = cat;
/** Stacks equally shaped tensors along a new axis (torch.stack). */
export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  if (tensors.length === 0) throw new AutogradError('stack', 'expected at least one tensor');
  return StackFn(...tensors, { axis });
}
/** Constant padding as torch.nn.functional.pad: `pads` = [left, right, top, bottom, ...] from the last dim; negative crops. */
export const pad = (x: Tensor, pads: readonly number[], value = 0): Tensor => PadFn(x, { pads, value });
