// WeightedLayer: the `weight` and optional `bias` that Conv2d and Linear share, with PyTorch's default init.
import { zeros, type DType, type Generator } from '@adder/tensor';
import { NNError } from '../errors';
import { defaultLayerInit } from '../init';
import { Module } from '../module';
import { Parameter } from '../parameter';

/** Options of a layer with a weight and an optional bias (torch's defaults: bias true, float32). */
export interface WeightedLayerOptions {
  bias?: boolean;
  dtype?: DType;
  generator?: Generator;
}

/** A layer with `weight` (out, in, ...) and an optional `bias` (out), both drawn U(+-1/sqrt(fan_in)) at construction. */
export abstract class WeightedLayer extends Module {
  protected constructor(weightShape: readonly number[], options: WeightedLayerOptions) {
    super();
    if (!weightShape.every((d) => Number.isInteger(d) && d > 0)) {
      throw new NNError(this.constructor.name, `expected positive integer sizes, got a weight of shape [${weightShape.join(', ')}] (out, in, ...)`);
    }
    const dtype = options.dtype ?? 'float32';
    this.registerParameter('weight', new Parameter(zeros([...weightShape], dtype)));
    this.registerParameter('bias', options.bias === false ? null : new Parameter(zeros([weightShape[0]!], dtype)));
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
}
