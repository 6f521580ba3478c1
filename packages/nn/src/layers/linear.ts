// Linear: y = x W^T + b over the last dim (torch.nn.Linear), with PyTorch's default init.
import type { Tensor } from '@adder/autograd';
import { NNError } from '../errors';
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
    const lead = x.shape.slice(0, -1);
    const flat = x.ndim === 2 ? x : x.reshape([-1, this.inFeatures]);
    let y = flat.matmul(this.weight.transpose(0, 1));
    if (this.bias !== null) y = y.add(this.bias);
    return x.ndim === 2 ? y : y.reshape([...lead, this.outFeatures]);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias === null ? 'False' : 'True'}`;
  }
}
