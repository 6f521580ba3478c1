// Differentiable pooling: max (with its argmax indices, dilation and ceil mode), average (count_include_pad) and adaptive average to 1x1.
import * as K from '@adder/tensor';
import type { IntPair, MaxPool2dOptions as KernelMaxPoolOptions, NDArray, Pool2dOptions } from '@adder/tensor';
import { AutogradError } from '../errors';
import { applyWithContext, defineFunction } from '../function';
import { checkOptions, refuseOption } from '../options';
import type { Tensor } from '../tensor';

/**
 * Options of maxPool2d (torch.nn.functional.max_pool2d): stride defaults to the kernel size, padding to 0,
 * dilation to 1, ceilMode to false.
 */
export interface MaxPool2dOptions extends Pool2dOptions {
  /** Spacing of the window's taps, as torch's dilation (default 1). */
  dilation?: IntPair;
  /** Output size rounded up, as torch's ceil_mode: a last, partial window where one starts inside the input or left padding. */
  ceilMode?: boolean;
}
/**
 * Options of avgPool2d (torch.nn.functional.avg_pool2d): stride defaults to the kernel size, padding to 0.
 * `ceilMode` and `countIncludePad` are accepted only at torch's defaults (false and true); any other value throws.
 */
export interface AvgPool2dOptions extends Pool2dOptions {
  /** Only false (torch's default): ceil mode is not implemented. */
  ceilMode?: false;
  /** Only true (torch's default): the divisor is always kh*kw, padding taps included. */
  countIncludePad?: true;
}

/** Refuses unknown keys; returns the geometry the kernel takes. */
function maxPoolGeometry(options: MaxPool2dOptions): KernelMaxPoolOptions {
  checkOptions('maxPool2d', options, ['kernelSize', 'stride', 'padding', 'dilation', 'ceilMode']);
  const g: { kernelSize: IntPair; stride?: IntPair; padding?: IntPair; dilation?: IntPair; ceilMode?: boolean } = geometryOf(options);
  if (options.dilation !== undefined) g.dilation = options.dilation;
  if (options.ceilMode !== undefined) g.ceilMode = options.ceilMode;
  return g;
}
/** Refuses unknown keys and the options avgPool2d cannot honour; returns the geometry the kernel takes. */
function avgPoolGeometry(options: AvgPool2dOptions): Pool2dOptions {
  checkOptions('avgPool2d', options, ['kernelSize', 'stride', 'padding', 'ceilMode', 'countIncludePad']);
  refuseOption('avgPool2d', 'ceilMode', options.ceilMode, (v) => v === false, 'only ceilMode false is implemented');
  refuseOption('avgPool2d', 'countIncludePad', options.countIncludePad, (v) => v === true, 'only countIncludePad true is implemented: the divisor is always kh*kw');
  return geometryOf(options);
}
function geometryOf(o: Pool2dOptions): Pool2dOptions {
  const g: { kernelSize: IntPair; stride?: IntPair; padding?: IntPair } = { kernelSize: o.kernelSize };
  if (o.stride !== undefined) g.stride = o.stride;
  if (o.padding !== undefined) g.padding = o.padding;
  return g;
}

/** What a pooling Function saves: the input's shape (and, for max pooling, the argmax indices). */
interface InputShape {
  shape: readonly number[];
}

const MaxPool2dFn = defineFunction<KernelMaxPoolOptions, InputShape & { indices: NDArray }>({
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

/** Max pooling as torch.nn.functional.max_pool2d (padding acts as -infinity; the first maximum wins), with dilation and ceilMode. */
export const maxPool2d = (x: Tensor, options: MaxPool2dOptions): Tensor => MaxPool2dFn(x, maxPoolGeometry(options));

/** maxPool2d that also returns the int32 argmax indices (flat h*W + w within each input plane). */
export function maxPool2dWithIndices(x: Tensor, options: MaxPool2dOptions): { values: Tensor; indices: NDArray } {
  const { output, ctx } = applyWithContext(MaxPool2dFn.def, [x, maxPoolGeometry(options)]);
  return { values: output, indices: ctx.saved.indices };
}

/** Average pooling as torch.nn.functional.avg_pool2d with count_include_pad=true (ceil_mode false). */
export const avgPool2d = (x: Tensor, options: AvgPool2dOptions): Tensor => AvgPool2dFn(x, avgPoolGeometry(options));

/** Adaptive average pooling; only outputSize 1 (global average, (N, C, H, W) -> (N, C, 1, 1)) is supported. */
export function adaptiveAvgPool2d(x: Tensor, outputSize: number | readonly number[] = 1): Tensor {
  const ok = typeof outputSize === 'number' ? outputSize === 1 : outputSize.length === 2 && outputSize[0] === 1 && outputSize[1] === 1;
  if (!ok) throw new AutogradError('adaptiveAvgPool2d', `only outputSize 1 is supported, got ${JSON.stringify(outputSize)}`);
  return AdaptiveAvgPool2dFn(x);
}
