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
/** Options of MaxPool2d: dilation and ceilMode only at torch's defaults (1, false); other values throw. */
export interface MaxPoolLayerOptions extends PoolLayerOptions {
  dilation?: 1 | readonly [1, 1];
  ceilMode?: false;
}
/** Options of AvgPool2d: ceilMode and countIncludePad only at torch's defaults (false, true); other values throw. */
export interface AvgPoolLayerOptions extends PoolLayerOptions {
  ceilMode?: false;
  countIncludePad?: true;
}
const isOne = (v: unknown): boolean => v === 1 || (Array.isArray(v) && v.length === 2 && v[0] === 1 && v[1] === 1);

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

/** torch.nn.MaxPool2d (ceil_mode false, dilation 1; padding acts as -infinity). */
export class MaxPool2d extends Pool2d {
  constructor(kernelSize: number | readonly number[], options: MaxPoolLayerOptions = {}) {
    checkOptions('MaxPool2d', options, ['stride', 'padding', 'dilation', 'ceilMode'], nnError);
    refuseOption('MaxPool2d', 'dilation', options.dilation, isOne, 'only dilation 1 is implemented', nnError);
    refuseOption('MaxPool2d', 'ceilMode', options.ceilMode, (v) => v === false, 'only ceilMode false is implemented', nnError);
    super(kernelSize, options);
  }
  forward(x: Tensor): Tensor {
    checkInput(this, x, [4], '(N, C, H, W)');
    return maxPool2d(x, this.geometry());
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
