// Differentiable convolution pieces: conv2d (with optional bias), unfold (im2col) and fold (col2im).
import * as K from '@adder/tensor';
import type { Conv2dOptions, FoldOptions, NDArray, UnfoldOptions } from '@adder/tensor';
import { defineFunction } from '../function';
import { checkOptions, refuseOption } from '../options';
import type { Tensor } from '../tensor';

const Conv2dFn = defineFunction<Conv2dOptions, { x: NDArray; w: NDArray }>({
  name: 'conv2d',
  forward(ctx, x: NDArray, w: NDArray, b?: NDArray) {
    ctx.save({ x, w });
    return K.conv2d(x, w, b ?? null, ctx.options);
  },
  // dx = conv2d^T(dy, w), dw = dy (x) im2col(x)^T, db = sum of dy over batch and space
  backward(ctx, g) {
    const { x, w } = ctx.saved;
    const need = ctx.needsInputGrad;
    const gx = need[0] ? K.conv2dBackwardInput(g, w, x.shape, ctx.options) : null;
    const gw = need[1] ? K.conv2dBackwardWeight(g, x, w.shape, ctx.options) : null;
    if (need.length < 3) return [gx, gw];
    return [gx, gw, need[2] ? K.sum(g, [0, 2, 3]) : null];
  },
});

const UnfoldFn = defineFunction<UnfoldOptions, { shape: readonly number[] }>({
  name: 'unfold',
  forward(ctx, x: NDArray) {
    ctx.save({ shape: x.shape });
    return K.unfold(x, ctx.options);
  },
  // fold is unfold's adjoint: each column entry goes back to the pixel it was read from
  backward(ctx, g) {
    const { shape } = ctx.saved;
    return [K.fold(g, { ...ctx.options, outputSize: [shape[2]!, shape[3]!] })];
  },
});

const FoldFn = defineFunction<FoldOptions>({
  name: 'fold',
  forward: (ctx, cols: NDArray) => K.fold(cols, ctx.options),
  // unfold is fold's adjoint
  backward: (ctx, g) => [K.unfold(g, ctx.options)],
});

/**
 * 2-D convolution as torch.nn.functional.conv2d (groups = 1): x (N, Cin, H, W), weight (Cout, Cin, kh, kw),
 * bias (Cout) or null.
 */
export function conv2d(x: Tensor, weight: Tensor, bias: Tensor | null = null, options: Conv2dOptions & { groups?: 1 } = {}): Tensor {
  checkOptions('conv2d', options, ['stride', 'padding', 'dilation', 'groups']);
  refuseOption('conv2d', 'groups', options.groups, (v) => v === 1, 'only groups 1 is implemented');
  if (options.groups !== undefined) {
    const { groups: _groups, ...rest } = options;
    options = rest;
  }
  return bias === null ? Conv2dFn(x, weight, options) : Conv2dFn(x, weight, bias, options);
}
/** Sliding blocks (im2col) as torch.nn.functional.unfold: (N, C, H, W) -> (N, C*kh*kw, L). */
export function unfold(x: Tensor, options: UnfoldOptions): Tensor {
  checkOptions('unfold', options, ['kernelSize', 'stride', 'padding', 'dilation']);
  return UnfoldFn(x, options);
}
/** Sums blocks back into an image (col2im) as torch.nn.functional.fold: (N, C*kh*kw, L) -> (N, C, H, W). */
export function fold(cols: Tensor, options: FoldOptions): Tensor {
  checkOptions('fold', options, ['outputSize', 'kernelSize', 'stride', 'padding', 'dilation']);
  return FoldFn(cols, options);
}
