// LayerNorm and GroupNorm as torch.nn, on the layerNorm / groupNorm functionals; state-dict keys weight and bias.
import type { Tensor } from '@adder/autograd';
import { ones, zeros, type DType } from '@adder/tensor';
import { layerNorm, groupNorm } from '../functions/layer-norm';
import { NNError } from '../errors';
import { Module } from '../module';
import { Parameter } from '../parameter';

/** Options of LayerNorm (torch defaults: eps 1e-5, elementwiseAffine true, float32). */
export interface LayerNormOptions {
  eps?: number;
  elementwiseAffine?: boolean;
  dtype?: DType;
}
/** Options of GroupNorm (torch defaults: eps 1e-5, affine true, float32). */
export interface GroupNormOptions {
  eps?: number;
  affine?: boolean;
  dtype?: DType;
}

const positive = (d: number): boolean => Number.isInteger(d) && d > 0;

/** torch.nn.LayerNorm: normalises over the trailing normalizedShape dims; weight starts at 1, bias at 0 (both normalizedShape). */
export class LayerNorm extends Module {
  readonly normalizedShape: readonly number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  constructor(normalizedShape: number | readonly number[], options: LayerNormOptions = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    if (this.normalizedShape.length === 0 || !this.normalizedShape.every(positive)) {
      throw new NNError('LayerNorm', `normalizedShape must be positive integer sizes, got ${JSON.stringify(normalizedShape)}`);
    }
    this.eps = options.eps ?? 1e-5;
    this.elementwiseAffine = options.elementwiseAffine ?? true;
    const dtype = options.dtype ?? 'float32';
    this.registerParameter('weight', this.elementwiseAffine ? new Parameter(ones([...this.normalizedShape], dtype)) : null);
    this.registerParameter('bias', this.elementwiseAffine ? new Parameter(zeros([...this.normalizedShape], dtype)) : null);
  }
  /** The scale (gamma), or null without elementwiseAffine. */
  get weight(): Parameter | null {
    return this.optionalParameter('weight');
  }
  /** The shift (beta), or null without elementwiseAffine. */
  get bias(): Parameter | null {
    return this.optionalParameter('bias');
  }
  forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, { weight: this.weight, bias: this.bias, eps: this.eps });
  }
  override extraRepr(): string {
    return `(${this.normalizedShape.join(', ')},), eps=${this.eps}, elementwise_affine=${this.elementwiseAffine ? 'True' : 'False'}`;
  }
}

/** torch.nn.GroupNorm: numGroups groups of numChannels/numGroups channels; weight starts at 1, bias at 0 (both numChannels). */
export class GroupNorm extends Module {
  readonly eps: number;
  readonly affine: boolean;
  constructor(
    readonly numGroups: number,
    readonly numChannels: number,
    options: GroupNormOptions = {},
  ) {
    super();
    if (!positive(numGroups) || !positive(numChannels) || numChannels % numGroups !== 0) {
      throw new NNError('GroupNorm', `numChannels ${numChannels} must be a positive multiple of numGroups ${numGroups}`);
    }
    this.eps = options.eps ?? 1e-5;
    this.affine = options.affine ?? true;
    const dtype = options.dtype ?? 'float32';
    this.registerParameter('weight', this.affine ? new Parameter(ones([numChannels], dtype)) : null);
    this.registerParameter('bias', this.affine ? new Parameter(zeros([numChannels], dtype)) : null);
  }
  /** The per-channel scale (gamma), or null without affine. */
  get weight(): Parameter | null {
    return this.optionalParameter('weight');
  }
  /** The per-channel shift (beta), or null without affine. */
  get bias(): Parameter | null {
    return this.optionalParameter('bias');
  }
  forward(x: Tensor): Tensor {
    if (x.ndim < 2 || x.shape[1] !== this.numChannels) {
      throw new NNError(this.describe(), `expected an input (N, ${this.numChannels}, *), got shape [${x.shape.join(', ')}]`);
    }
    return groupNorm(x, this.numGroups, { weight: this.weight, bias: this.bias, eps: this.eps });
  }
  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${this.eps}, affine=${this.affine ? 'True' : 'False'}`;
  }
}
