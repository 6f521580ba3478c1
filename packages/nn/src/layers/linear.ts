// Linear: y = x W^T + b over the last dim (torch.nn.Linear), with PyTorch's default init.
import type { Tensor } from '@adder/autograd';
import { NNError } from '../errors';
import { linear } from '../functions/linear';
import { WeightedLayer, type WeightedLayerOptions } from './weighted';

/** Options of Linear. */
export type LinearOptions = WeightedLayerOptions;

/** y = x W^T + b for x (..., inFeatures); weight (out, in) and bias (out) start as U(+-1/sqrt(in)). */
export class Linear extends WeightedLayer {
  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: LinearOptions = {},
  ) {
    super([outFeatures, inFeatures], options);
  }

  forward(x: Tensor): Tensor {
    if (x.ndim < 1 || x.shape[x.ndim - 1] !== this.inFeatures) {
      throw new NNError(this.describe(), `expected an input (..., ${this.inFeatures}), got shape [${x.shape.join(', ')}]`);
    }
    return linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias === null ? 'False' : 'True'}`;
  }
}
