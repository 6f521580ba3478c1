// Differentiable pooling: max (with its argmax indices, dilation and ceil mode), average (ceil mode, count_include_pad)
// and adaptive average and max pooling of any output size.
import * as K from '@adder/tensor';
import type { AvgPool2dOptions as KernelAvgPoolOptions, IntPair, MaxPool2dOptions as KernelMaxPoolOptions, NDArray, Pool2dOptions } from '@adder/tensor';
import { AutogradError } from '../errors';
import { applyWithContext, defineFunction } from '../function';
import { checkOptions } from '../options';
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
 * Options of avgPool2d (torch.nn.functional.avg_pool2d): stride defaults to the kernel size, padding to 0,
 * ceilMode to false, countIncludePad to true.
 */
export interface AvgPool2dOptions extends Pool2dOptions {
  /** Output size rounded up, as torch's ceil_mode: a last, partial window where one starts inside the input or left padding. */
  ceilMode?: boolean;
  /** Whether the divisor counts the padding taps (torch's count_include_pad, default true); false divides by the taps inside the input. */
  countIncludePad?: boolean;
}
/** An adaptive pooling output size as torch's: one size for both dims, or [outH, outW] where null keeps the input's size. */
export type AdaptiveOutputSize = number | readonly (number | null)[];

/** Refuses unknown keys; returns the geometry the kernel takes. */
function maxPoolGeometry(options: MaxPool2dOptions): KernelMaxPoolOptions {
  checkOptions('maxPool2d', options, ['kernelSize', 'stride', 'padding', 'dilation', 'ceilMode']);
  const g: { kernelSize: IntPair; stride?: IntPair; padding?: IntPair; dilation?: IntPair; ceilMode?: boolean } = geometryOf(options);
  if (options.dilation !== undefined) g.dilation = options.dilation;
  if (options.ceilMode !== undefined) g.ceilMode = options.ceilMode;
  return g;
}
/** Refuses unknown keys and the options avgPool2d cannot honour; returns the geometry the kernel takes. */
function avgPoolGeometry(options: AvgPool2dOptions): KernelAvgPoolOptions {
  checkOptions('avgPool2d', options, ['kernelSize', 'stride', 'padding', 'ceilMode', 'countIncludePad']);
  const g: { kernelSize: IntPair; stride?: IntPair; padding?: IntPair; ceilMode?: boolean; countIncludePad?: boolean } = geometryOf(options);
  for (const key of ['ceilMode', 'countIncludePad'] as const) {
    const v = options[key];
    if (v === undefined) continue;
    if (typeof v !== 'boolean') throw new AutogradError('avgPool2d', `${key} must be a boolean, got ${JSON.stringify(v)}`);
    g[key] = v;
  }
  return g;
}
/** [outH, outW] of an adaptive pooling of x, null entries taking the input's size; throws naming `op`. */
function adaptiveSize(op: string, x: Tensor, outputSize: AdaptiveOutputSize): [number, number] {
  if (x.ndim !== 4) throw new AutogradError(op, `expected an input of 4 dims (N, C, H, W), got [${x.shape.join(', ')}]`);
  const pair = typeof outputSize === 'number' ? [outputSize, outputSize] : [...outputSize];
  const ok = pair.length === 2 && pair.every((v) => v === null || (Number.isInteger(v) && v >= 1));
  if (!ok) throw new AutogradError(op, `outputSize must be an integer >= 1 or a pair of them (null keeps the input size), got ${JSON.stringify(outputSize)}`);
  return [pair[0] ?? x.shape[2]!, pair[1] ?? x.shape[3]!];
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

const AvgPool2dFn = defineFunction<KernelAvgPoolOptions, InputShape>({
  name: 'avgPool2d',
  forward(ctx, x: NDArray) {
    ctx.save({ shape: x.shape });
    return K.avgPool2d(x, ctx.options);
  },
  backward: (ctx, g) => [K.avgPool2dBackward(g, ctx.saved.shape, ctx.options)],
});

/** Adaptive average pooling; the 1x1 output runs the registered (simd) global-mean kernel. */
const AdaptiveAvgPool2dFn = defineFunction<{ outputSize: [number, number] }, InputShape>({
  name: 'adaptiveAvgPool2d',
  forward(ctx, x: NDArray) {
    ctx.save({ shape: x.shape });
    const [oh, ow] = ctx.options.outputSize;
    return oh === 1 && ow === 1 ? K.adaptiveAvgPool2d1(x) : K.adaptiveAvgPool2d(x, ctx.options.outputSize);
  },
  backward(ctx, g) {
    const [oh, ow] = ctx.options.outputSize;
    return [oh === 1 && ow === 1 ? K.adaptiveAvgPool2d1Backward(g, ctx.saved.shape) : K.adaptiveAvgPool2dBackward(g, ctx.saved.shape)];
  },
});

const AdaptiveMaxPool2dFn = defineFunction<{ outputSize: [number, number] }, InputShape & { indices: NDArray }>({
  name: 'adaptiveMaxPool2d',
  forward(ctx, x: NDArray) {
    const { values, indices } = K.adaptiveMaxPool2d(x, ctx.options.outputSize);
    ctx.save({ shape: x.shape, indices });
    return values;
  },
  // the same scatter-add by argmax as max pooling
  backward: (ctx, g) => [K.maxPool2dBackward(g, ctx.saved.indices, ctx.saved.shape)],
});

/** Max pooling as torch.nn.functional.max_pool2d (padding acts as -infinity; the first maximum wins), with dilation and ceilMode. */
export const maxPool2d = (x: Tensor, options: MaxPool2dOptions): Tensor => MaxPool2dFn(x, maxPoolGeometry(options));

/** maxPool2d that also returns the int32 argmax indices (flat h*W + w within each input plane). */
export function maxPool2dWithIndices(x: Tensor, options: MaxPool2dOptions): { values: Tensor; indices: NDArray } {
  const { output, ctx } = applyWithContext(MaxPool2dFn.def, [x, maxPoolGeometry(options)]);
  return { values: output, indices: ctx.saved.indices };
}

/** Average pooling as torch.nn.functional.avg_pool2d, with ceilMode and countIncludePad. */
export const avgPool2d = (x: Tensor, options: AvgPool2dOptions): Tensor => AvgPool2dFn(x, avgPoolGeometry(options));

/**
 * Adaptive average pooling as torch.nn.functional.adaptive_avg_pool2d: output cell i of an axis of length L pooled
 * to n averages input [floor(i*L/n), ceil((i+1)*L/n)).
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: AdaptiveOutputSize = 1): Tensor {
  return AdaptiveAvgPool2dFn(x, { outputSize: adaptiveSize('adaptiveAvgPool2d', x, outputSize) });
}

/** Adaptive max pooling as torch.nn.functional.adaptive_max_pool2d (windows as adaptiveAvgPool2d's; the first maximum wins). */
export function adaptiveMaxPool2d(x: Tensor, outputSize: AdaptiveOutputSize): Tensor {
  return AdaptiveMaxPool2dFn(x, { outputSize: adaptiveSize('adaptiveMaxPool2d', x, outputSize) });
}

/** adaptiveMaxPool2d that also returns the int32 argmax indices (flat h*W + w within each input plane), as return_indices=True. */
export function adaptiveMaxPool2dWithIndices(x: Tensor, outputSize: AdaptiveOutputSize): { values: Tensor; indices: NDArray } {
  const { output, ctx } = applyWithContext(AdaptiveMaxPool2dFn.def, [x, { outputSize: adaptiveSize('adaptiveMaxPool2d', x, outputSize) }]);
  return { values: output, indices: ctx.saved.indices };
}
