// The adder Function (registered as 'adder2d'): the fused forward, the HardTanh input gradient and the
// adaptively scaled weight gradient of the reference's `adder` autograd Function.
import { defineFunction, type Tensor } from '@adder/autograd';
import { TensorError } from '@adder/tensor';
import { adderBackwardInput, adderBackwardWeight, adderForward } from './kernels/index';

/** Options of adder2d: stride and zero padding as in conv2d (no dilation, no groups), and the dW scale eta. */
export interface Adder2dOptions {
  /** Stride of the window (default 1). */
  stride?: number;
  /** Zero padding on each side (default 0); padded taps contribute |w|. */
  padding?: number;
  /** The adaptive learning-rate factor: dW is scaled to L2 norm eta * sqrt(numel(W)) (default 0.2). */
  eta?: number;
}

/** The registered Function. Its backward is a surrogate: dX uses clamp(W - X, -1, 1), dW is rescaled. */
export const adder2dFunction = defineFunction<Adder2dOptions>({
  name: 'adder2d',
  surrogateGradient: true,
  forward(ctx, x, weight) {
    const { stride = 1, padding = 0, eta = 0.2 } = ctx.options;
    if (!(Number.isFinite(eta) && eta > 0)) throw new TensorError('adder2d', `expected a positive finite eta, got ${eta}`);
    ctx.saveForBackward(x, weight);
    return adderForward(x, weight, stride, padding);
  },
  backward(ctx, gradOut) {
    const { stride = 1, padding = 0, eta = 0.2 } = ctx.options;
    const [x, weight] = ctx.savedTensors as [typeof gradOut, typeof gradOut];
    const gradX = ctx.needsInputGrad[0] ? adderBackwardInput(x, weight, gradOut, stride, padding) : null;
    const gradW = ctx.needsInputGrad[1] ? adderBackwardWeight(x, weight, gradOut, stride, padding, eta) : null;
    return [gradX, gradW];
  },
});

/**
 * AdderNet's adder layer as a differentiable op: x (N,Cin,H,W), weight (Cout,Cin,k,k) -> (N,Cout,Ho,Wo),
 * Y = -sum |x - w| over each window (the reference's adder2d_function).
 */
export function adder2d(x: Tensor, weight: Tensor, options: Adder2dOptions = {}): Tensor {
  return adder2dFunction(x, weight, options);
}
