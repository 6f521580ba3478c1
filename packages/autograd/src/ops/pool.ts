// Differentiable pooling: max (with its argmax indices), average (count_include_pad) and adaptive average to 1x1.
import * as K from '@adder/tensor';
import type { NDArray, Pool2dOptions } from '@adder/tensor';
import { AutogradError } from '../errors';
import { applyWithContext, defineFunction } from '../function';
import type { Tensor } from '../tensor';

/** What a pooling Function saves: the input's shape (and, for max pooling, the argmax indices). */
interface InputShape {
  shape: readonly number[];
}

const MaxPool2dFn = defineFunction<Pool2dOptions, InputShape & { indices: NDArray }>({
  name: 'maxPool2d',
  forward(ctx, x: NDArray) {
    const { values, indices } = K.maxPool2d(x, ctx.options);
    ctx.save({ shape: x.shape, indices });
    return values;
  },
  backward: (ctx, g) => [K.maxPool2dBackward(g, ctx.saved.indices, ctx.saved.shape)],
});

const AvgPool2dFn = defineFunction<Pool2dOptions, InputShape>({
  name: 'avgPool2d',
  forward(ctx, x: NDArray) {
    ctx.save({ shape: x.shape });
    return K.avgPool2d(x, ctx.options);
  },
  backward: (ctx, g) => [K.avgPool2dBackward(g, ctx.saved.shape, ctx.options)],
});

const AdaptiveAvgPool2dFn = defineFunction<{}, InputShape>({
  name: 'adaptiveAvgPool2d',
  forward(ctx, x: NDArray) {
    ctx.save({ shape: x.shape });
    return K.adaptiveAvgPool2d1(x);
  },
  backward: (ctx, g) => [K.adaptiveAvgPool2d1Backward(g, ctx.saved.shape)],
});

/** Max pooling as torch.nn.functional.max_pool2d (padding acts as -infinity; the first maximum wins). */
export const maxPool2d = (x: Tensor, options: Pool2dOptions): Tensor => MaxPool2dFn(x, options);

/** maxPool2d that also returns the int32 argmax indices (flat h*W + w within each input plane). */
export function maxPool2dWithIndices(x: Tensor, options: Pool2dOptions): { values: Tensor; indices: NDArray } {
  const { output, ctx } = applyWithContext(MaxPool2dFn.def, [x, options]);
  return { values: output, indices: ctx.saved.indices };
}

/** Average pooling as torch.nn.functional.avg_pool2d with count_include_pad=true. */
export const avgPool2d = (x: Tensor, options: Pool2dOptions): Tensor => AvgPool2dFn(x, options);

/** Adaptive average pooling; only outputSize 1 (global average, (N, C, H, W) -> (N, C, 1, 1)) is supported. */
export function adaptiveAvgPool2d(x: Tensor, outputSize: number | readonly number[] = 1): Tensor {
  const ok = typeof outputSize === 'number' ? outputSize === 1 : outputSize.length === 2 && outputSize[0] === 1 && outputSize[1] === 1;
  if (!ok) throw new AutogradError('adaptiveAvgPool2d', `only outputSize 1 is supported, got ${JSON.stringify(outputSize)}`);
  return AdaptiveAvgPool2dFn(x);
}
