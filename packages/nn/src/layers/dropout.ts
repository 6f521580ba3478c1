// Dropout with a seeded mask (torch.nn.Dropout): zero with probability p, scale survivors by 1/(1-p).
import { Tensor } from '@adder/autograd';
import { defaultGenerator, NDArray, Storage, type Generator } from '@adder/tensor';
import { NNError } from '../errors';
import { Module } from '../module';

/** Options of Dropout. */
export interface DropoutOptions {
  generator?: Generator;
}

/** In training, x * mask / (1 - p) with mask ~ Bernoulli(1 - p) from the seeded generator; identity in eval. */
export class Dropout extends Module {
  private readonly generator: Generator;
  constructor(
    readonly p = 0.5,
    options: DropoutOptions = {},
  ) {
    super();
    if (!(p >= 0 && p <= 1)) throw new NNError('Dropout', `dropout probability must be in [0, 1], got ${p}`);
    this.generator = options.generator ?? defaultGenerator;
  }
  forward(x: Tensor): Tensor {
    if (!this.training || this.p === 0) return x;
    const keep = 1 - this.p;
    const mask = Storage.alloc(x.dtype, x.size);
    const m = mask.data;
    const scale = keep === 0 ? 0 : 1 / keep;
    for (let i = 0; i < m.length; i++) m[i] = this.generator.random() < keep ? scale : 0;
    return x.mul(new Tensor(new NDArray(mask, x.shape)));
  }
  override extraRepr(): string {
    return `p=${this.p}`;
  }
}
