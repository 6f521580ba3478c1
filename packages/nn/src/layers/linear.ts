// Linear: y = x W^T + b over the last dim (torch.nn.Linear), with PyTorch's default init.
import type { Tensor } from '@adder/autograd';
import { zeros, type DType, type Generator } from '@adder/tensor';
import { NNError } from '../errors';
import { defaultLayerInit } from '../init';
import { Module } from '../module';
import { Parameter } from '../parameter';

/** Options of Linear. */
export interface LinearOptions {
  bias?: boolean;
  dtype?: DType;
  generator?: Generator;
}

/** y = x W^T + b for x (..., inFeatures); weight (out, in) and bias (out) start as U(+-1/sqrt(in)). */
export class Linear extends Module {

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: LinearOptions = {},
  ) {
    super();
    const dtype = options.dtype ?? 'float32';
    this.registerParameter('weight', new Parameter(zeros([outFeatures, inFeatures], dtype)));
    this.registerParameter('bias', options.bias === false ? null : new Parameter(zeros([outFeatures], dtype)));
    this.resetParameters(options.generator);
  }

  /** The weight parameter. */
  get weight(): Parameter {
    return this.getParameter('weight');
  }
  /** The bias parameter, or null without bias. */
  get bias(): Parameter | null {
    return this.optionalParameter('bias');
  }

  /** Re-draws weight and bias with PyTorch's default init. */
  resetParameters(generator?: Generator): void {
    defaultLayerInit(this.weight.data, this.bias?.data ?? null, generator ? { generator } : {});
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
