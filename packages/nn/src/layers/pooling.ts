// Pooling layers over (N, C, H, W): MaxPool2d, AvgPool2d (count_include_pad) and AdaptiveAvgPool2d(1).
import { adaptiveAvgPool2d, avgPool2d, maxPool2d, type Tensor } from '@adder/autograd';
import { NNError } from '../errors';
import { Module } from '../module';
import { checkInput, pair } from './check';

/** Options of the pooling layers: stride defaults to the kernel size, padding to 0 (as torch). */
export interface PoolLayerOptions {
  stride?: number | readonly number[];
  padding?: number | readonly number[];
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

/** torch.nn.MaxPool2d (ceil_mode false, dilation 1; padding acts as -infinity). */
export class MaxPool2d extends Pool2d {
  forward(x: Tensor): Tensor {
    checkInput(this, x, [4], '(N, C, H, W)');
    return maxPool2d(x, this.geometry());
  }
}

/** torch.nn.AvgPool2d (ceil_mode false, count_include_pad true). */
export class AvgPool2d extends Pool2d {
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
