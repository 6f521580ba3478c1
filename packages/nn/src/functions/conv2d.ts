// The conv2d Function: forward and both input gradients from the tensor package's im2col + GEMM kernels.
import { defineFunction, type Tensor } from '@adder/autograd';
import { conv2d as conv2dKernel, conv2dBackwardInput, conv2dBackwardWeight, sum, type Conv2dOptions, type NDArray } from '@adder/tensor';

/** Options of conv2d: stride, padding, dilation (torch.nn.functional.conv2d, groups = 1). */
export type Conv2dFunctionOptions = Conv2dOptions;

// inputs (x, weight) or (x, weight, bias): dx = conv^T(dy, W), dW = dy * im2col(x)^T, db = sum of dy over N, H, W.
const Conv2dFn = defineFunction<Conv2dFunctionOptions>({
  name: 'conv2d',
  forward(ctx, x: NDArray, weight: NDArray, bias?: NDArray) {
    ctx.saveForBackward(x, weight);
    ctx.saved.hasBias = bias !== undefined;
    return conv2dKernel(x, weight, bias ?? null, ctx.options);
  },
  backward(ctx, g) {
    const [x, weight] = ctx.savedTensors as [NDArray, NDArray];
    const [needX, needW, needB] = ctx.needsInputGrad;
    const grads: (NDArray | null)[] = [
      needX ? conv2dBackwardInput(g, weight, x.shape, ctx.options) : null,
      needW ? conv2dBackwardWeight(g, x, weight.shape, ctx.options) : null,
    ];
    if (ctx.saved.hasBias === true) grads.push(needB ? sum(g, [0, 2, 3]) : null);
    return grads;
  },
});

/** Differentiable 2-D convolution: x (N, Cin, H, W), weight (Cout, Cin, kh, kw), bias (Cout) or null. */
export function conv2d(x: Tensor, weight: Tensor, bias: Tensor | null = null, options: Conv2dFunctionOptions = {}): Tensor {
  return bias === null ? Conv2dFn(x, weight, options) : Conv2dFn(x, weight, bias, options);
}
