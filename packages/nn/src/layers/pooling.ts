// Pooling layers over (N, C, H, W): MaxPool2d, AvgPool2d (count_include_pad) and AdaptiveAvgPool2d(1).
import { adaptiveAvgPool2d, avgPool2d, checkOptions, maxPool2d, refuseOption, type Tensor } from '@adder/autograd';
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
/** Options of AvgPool2d: ceilMode and countIncludePad only at torch's defaults (false, true); other values throw. */
export interface AvgPoolLayerOptions extends PoolLayerOptions {
  ceilMode?: false;
  countIncludePad?: true;
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

/** torch.nn.AvgPool2d (ceil_mode false, count_include_pad true). */
export class AvgPool2d extends Pool2d {
  constructor(kernelSize: number | readonly number[], options: AvgPoolLayerOptions = {}) {
    checkOptions('AvgPool2d', options, ['stride', 'padding', 'ceilMode', 'countIncludePad'], nnError);
    refuseOption('AvgPool2d', 'ceilMode', options.ceilMode, (v) => v === false, 'only ceilMode false is implemented', nnError);
    refuseOption('AvgPool2d', 'countIncludePad', options.countIncludePad, (v) => v === true, 'only countIncludePad true is implemented: the divisor is always kh*kw', nnError);
    super(kernelSize, options);
  }
  forward(x: Tensor): Tensor {
    checkInput(this, x, [4], '(N, C, H, W)');
    return avgPool2d(x, this.geometry());
  }
}

/** Adaptive average pooling of (N, C, H, W) to (N, C, 1, 1); only output size 1 is supported. */
export class AdaptiveAvgPool2d extends Module {
  readonly outputSize: [number, number];
  constructor(outputSize: number | readonly number[] = 1) {
    super();
    this.outputSize = pair(outputSize, 'AdaptiveAvgPool2d outputSize');
    if (this.outputSize[0] !== 1 || this.outputSize[1] !== 1) {
      throw new NNError('AdaptiveAvgPool2d', `only output size 1 is supported, got (${this.outputSize.join(', ')})`);
    }
  }
  forward(x: Tensor): Tensor {
    checkInput(this, x, [4], '(N, C, H, W)');
    return adaptiveAvgPool2d(x, 1);
  }
  override extraRepr(): string {
    return 'output_size=1';
  }
}
