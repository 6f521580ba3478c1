// Differentiable convolution pieces: conv2d (with optional bias), unfold (im2col) and fold (col2im).
import * as K from '@adder/tensor';
import type { Conv2dOptions, FoldOptions, NDArray, UnfoldOptions } from '@adder/tensor';
import { AutogradError } from '../errors';
import { defineFunction } from '../function';
import { checkOptions } from '../options';
import type { Tensor } from '../tensor';
import { cat } from './join';
import { narrow } from './views';

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

/** Options of conv2d: stride, padding and dilation as torch's, and groups (default 1). */
export interface GroupedConv2dOptions extends Conv2dOptions {
  /** Input and output channels split into this many groups, each convolved with its own Cout/groups filters. */
  groups?: number;
}

/**
 * 2-D convolution as torch.nn.functional.conv2d: x (N, Cin, H, W), weight (Cout, Cin/groups, kh, kw), bias (Cout)
 * or null. With groups g, output channels [j*Cout/g, (j+1)*Cout/g) see only input channels [j*Cin/g, (j+1)*Cin/g):
 * each group is one registered conv2d on channel slices, and the outputs are concatenated.
 */
export function conv2d(x: Tensor, weight: Tensor, bias: Tensor | null = null, options: GroupedConv2dOptions = {}): Tensor {
  checkOptions('conv2d', options, ['stride', 'padding', 'dilation', 'groups']);
  const { groups = 1, ...geometry } = options;
  if (groups === 1) return bias === null ? Conv2dFn(x, weight, geometry) : Conv2dFn(x, weight, bias, geometry);
  if (!Number.isInteger(groups) || groups < 1) throw new AutogradError('conv2d', `groups must be an integer >= 1, got ${JSON.stringify(groups)}`);
  if (x.ndim !== 4 || weight.ndim !== 4) throw new AutogradError('conv2d', `expected input (N, C, H, W) and weight (Cout, Cin/groups, kh, kw), got [${x.shape.join(', ')}] and [${weight.shape.join(', ')}]`);
  const cin = x.shape[1]!;
  const cout = weight.shape[0]!;
  if (cin % groups !== 0 || cout % groups !== 0 || weight.shape[1]! * groups !== cin) {
    throw new AutogradError('conv2d', `groups ${groups} must divide input channels ${cin} and output channels ${cout}, with weight [${weight.shape.join(', ')}] of ${cin}/${groups} input channels`);
  }
  const inPer = cin / groups;
  const outPer = cout / groups;
  const outs: Tensor[] = [];
  for (let j = 0; j < groups; j++) {
    const xj = narrow(x, 1, j * inPer, inPer);
    const wj = narrow(weight, 0, j * outPer, outPer);
    outs.push(bias === null ? Conv2dFn(xj, wj, geometry) : Conv2dFn(xj, wj, narrow(bias, 0, j * outPer, outPer), geometry));
  }
  return cat(outs, 1);
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
