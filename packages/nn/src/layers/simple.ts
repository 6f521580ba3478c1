// Parameter-free layers: ReLU, Flatten, Identity and AdaptiveAvgPool2d(1).
import type { Tensor } from '@adder/autograd';
import { NNError } from '../errors';
import { Module } from '../module';
import { checkInput, pair } from './check';

/** max(x, 0) element-wise (torch.nn.ReLU). */
export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return x.relu();
  }
}

/** Flattens dims startDim..endDim into one (torch.nn.Flatten; defaults 1 and -1). */
export class Flatten extends Module {
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return x.flatten(this.startDim, this.endDim);
  }
  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

/** Returns its input (torch.nn.Identity), e.g. for a shortcut with no downsample. */
export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}

/** Adaptive average pooling of (N, C, H, W) to (N, C, 1, 1): the mean over H and W. */
export class AdaptiveAvgPool2d extends Module {
  readonly outputSize: [number, number];
  constructor(outputSize: number | readonly number[] = 1) {
    super();
    this.outputSize = pair(outputSize);
    if (this.outputSize[0] !== 1 || this.outputSize[1] !== 1) {
      throw new NNError('AdaptiveAvgPool2d', `only output size 1 is supported, got (${this.outputSize.join(', ')})`);
    }
  }
  forward(x: Tensor): Tensor {
    checkInput(this, x, [4], '(N, C, H, W)');
    return x.mean([2, 3], true);
  }
  override extraRepr(): string {
    return 'output_size=1';
  }
}
