// Parameter-free layers: ReLU, Flatten and Identity.
import type { Tensor } from '@adder/autograd';
import { Module } from '../module';

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
