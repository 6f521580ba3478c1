// Pooling layers over (N, C, H, W): MaxPool2d, AvgPool2d, AdaptiveAvgPool2d and AdaptiveMaxPool2d, as torch.nn.
import { adaptiveAvgPool2d, adaptiveMaxPool2d, avgPool2d, checkOptions, maxPool2d, type Tensor } from '@adder/autograd';
import { NNError, nnError } from '../errors';
import { Module } from '../module';
import { checkInput, pair } from './check';

/** Options of the pooling layers: stride defaults to the kernel size, padding to 0 (as torch). */
export interface PoolLayerOptions {
  stride?: number | readonly number[];
  padding?: number | readonly number[];
}
/** Options of MaxPool2d: also dilation (default 1) and ceilMode (default false), as torch's. */
export interface MaxPoolLayerOptions extends PoolLayerOptions {
  dilation?: number | readonly number[];
  ceilMode?: boolean;
}
/** Options of AvgPool2d: also ceilMode (default false) and countIncludePad (default true), as torch's. */
export interface AvgPoolLayerOptions extends PoolLayerOptions {
  ceilMode?: boolean;
  countIncludePad?: boolean;
}

abstract class Pool2d extends Module {
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  constructor(kernelSize: number | readonly number[], options: PoolLayerOptions = {}) {
    super();
    this.kernelSize = pair(kernelSize, `${this.constructor.name} kernelSize`);
    this.stride = pair(options.stride ?? kernelSize, `${this.constructor.name} stride`);
    this.padding = pair(options.padding ?? 0, `${this.constructor.name} padding`);
  }
  /** The pooling window, stride and padding as (h, w) pairs, as the tensor kernels take them. */
  protected geometry(): { kernelSize: [number, number]; stride: [number, number]; padding: [number, number] } {
    return { kernelSize: this.kernelSize, stride: this.stride, padding: this.padding };
  }
  override extraRepr(): string {
    const t = (p: [number, number]): string => (p[0] === p[1] ? String(p[0]) : `(${p[0]}, ${p[1]})`);
    return `kernel_size=${t(this.kernelSize)}, stride=${t(this.stride)}, padding=${t(this.padding)}`;
  }
}

/** torch.nn.MaxPool2d (padding acts as -infinity), with dilation and ceilMode. */
export class MaxPool2d extends Pool2d {
  readonly dilation: [number, number];
  readonly ceilMode: boolean;
  constructor(kernelSize: number | readonly number[], options: MaxPoolLayerOptions = {}) {
    checkOptions('MaxPool2d', options, ['stride', 'padding', 'dilation', 'ceilMode'], nnError);
    super(kernelSize, options);
    this.dilation = pair(options.dilation ?? 1, 'MaxPool2d dilation');
    this.ceilMode = options.ceilMode ?? false;
    if (typeof this.ceilMode !== 'boolean') throw new NNError('MaxPool2d', `ceilMode must be a boolean, got ${JSON.stringify(this.ceilMode)}`);
  }
  forward(x: Tensor): Tensor {
    checkInput(this, x, [4], '(N, C, H, W)');
    return maxPool2d(x, { ...this.geometry(), dilation: this.dilation, ceilMode: this.ceilMode });
  }
  override extraRepr(): string {
    const d = this.dilation[0] === this.dilation[1] ? String(this.dilation[0]) : `(${this.dilation[0]}, ${this.dilation[1]})`;
    return `${super.extraRepr()}, dilation=${d}, ceil_mode=${this.ceilMode ? 'True' : 'False'}`;
  }
}

/** torch.nn.AvgPool2d, with ceilMode and countIncludePad. */
export class AvgPool2d extends Pool2d {
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  constructor(kernelSize: number | readonly number[], options: AvgPoolLayerOptions = {}) {
    checkOptions('AvgPool2d', options, ['stride', 'padding', 'ceilMode', 'countIncludePad'], nnError);
    super(kernelSize, options);
    this.ceilMode = options.ceilMode ?? false;
    this.countIncludePad = options.countIncludePad ?? true;
    if (typeof this.ceilMode !== 'boolean') throw new NNError('AvgPool2d', `ceilMode must be a boolean, got ${JSON.stringify(this.ceilMode)}`);
    if (typeof this.countIncludePad !== 'boolean') throw new NNError('AvgPool2d', `countIncludePad must be a boolean, got ${JSON.stringify(this.countIncludePad)}`);
  }
  forward(x: Tensor): Tensor {
    checkInput(this, x, [4], '(N, C, H, W)');
    return avgPool2d(x, { ...this.geometry(), ceilMode: this.ceilMode, countIncludePad: this.countIncludePad });
  }
  override extraRepr(): string {
    return `${super.extraRepr()}, ceil_mode=${this.ceilMode ? 'True' : 'False'}, count_include_pad=${this.countIncludePad ? 'True' : 'False'}`;
  }
}

/** An adaptive output size as torch's: one size, or [h, w] where null keeps the input's size. */
export type AdaptiveSize = number | readonly (number | null)[];

/** The output size as a pair of positive integers or nulls; throws naming the layer. */
function adaptivePair(layer: string, outputSize: AdaptiveSize): [number | null, number | null] {
  const p = typeof outputSize === 'number' ? [outputSize, outputSize] : [...outputSize];
  if (p.length !== 2 || !p.every((v) => v === null || (Number.isInteger(v) && v >= 1))) {
    throw new NNError(layer, `outputSize must be an integer >= 1 or [h, w] of them (null keeps the input size), got ${JSON.stringify(outputSize)}`);
  }
  return p as [number | null, number | null];
}
const showSize = (p: readonly (number | null)[]): string => (p[0] === p[1] ? String(p[0] ?? 'None') : `(${p.map((v) => v ?? 'None').join(', ')})`);

/** The adaptive pooling layers: an output size, a (N, C, H, W) input check and torch's repr. */
abstract class AdaptivePool2d extends Module {
  readonly outputSize: [number | null, number | null];
  constructor(outputSize: AdaptiveSize) {
    super();
    this.outputSize = adaptivePair(this.constructor.name, outputSize);
  }
  forward(x: Tensor): Tensor {
    checkInput(this, x, [4], '(N, C, H, W)');
    return this.pool(x);
  }
  /** The pooling functional applied to a checked input. */
  protected abstract pool(x: Tensor): Tensor;
  override extraRepr(): string {
    return `output_size=${showSize(this.outputSize)}`;
  }
}

/** torch.nn.AdaptiveAvgPool2d: (N, C, H, W) -> (N, C, outH, outW), window i of an axis [floor(iL/n), ceil((i+1)L/n)). */
export class AdaptiveAvgPool2d extends AdaptivePool2d {
  constructor(outputSize: AdaptiveSize = 1) {
    super(outputSize);
  }
  /** Adaptive average pooling of a checked input. */
  protected pool(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }
}

/** torch.nn.AdaptiveMaxPool2d (without return_indices): the maximum of each adaptive window. */
export class AdaptiveMaxPool2d extends AdaptivePool2d {
  /** Adaptive max pooling of a checked input. */
  protected pool(x: Tensor): Tensor {
    return adaptiveMaxPool2d(x, this.outputSize);
  }
}
