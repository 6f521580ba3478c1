// BatchNorm1d and BatchNorm2d exactly as torch.nn: batch statistics in training, running ones in eval.
import type { Tensor } from '@adder/autograd';
import { full, ones, scalar, zeros, type DType, type NDArray } from '@adder/tensor';
import { batchNorm } from '../functions/batch-norm';
import { NNError } from '../errors';
import { Module } from '../module';
import { Parameter } from '../parameter';
import { checkInput } from './check';

/** Options of the batch-norm layers (torch defaults: eps 1e-5, momentum 0.1, affine, trackRunningStats). */
export interface BatchNormLayerOptions {
  eps?: number;
  /** Weight of each new batch in the running stats; null for a cumulative average (1/numBatchesTracked). */
  momentum?: number | null;
  affine?: boolean;
  trackRunningStats?: boolean;
  dtype?: DType;
}

/** The shared batch-norm layer; subclasses fix the accepted input ranks. */
export abstract class BatchNormBase extends Module {
  /** Added to the variance before the square root. */
  eps: number;
  /** Weight of each new batch in the running stats; null for a cumulative average. Writable, as in torch. */
  momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  protected abstract readonly ranks: readonly number[];
  protected abstract readonly layout: string;

  constructor(
    readonly numFeatures: number,
    options: BatchNormLayerOptions = {},
  ) {
    super();
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    this.affine = options.affine ?? true;
    this.trackRunningStats = options.trackRunningStats ?? true;
    if (!Number.isInteger(numFeatures) || numFeatures <= 0) {
      throw new NNError(this.constructor.name, `numFeatures must be a positive integer, got ${numFeatures}`);
    }
    const dtype = options.dtype ?? 'float32';
    this.registerParameter('weight', this.affine ? new Parameter(ones([numFeatures], dtype)) : null);
    this.registerParameter('bias', this.affine ? new Parameter(zeros([numFeatures], dtype)) : null);
    this.registerBuffer('running_mean', this.trackRunningStats ? zeros([numFeatures], dtype) : null);
    this.registerBuffer('running_var', this.trackRunningStats ? ones([numFeatures], dtype) : null);
    this.registerBuffer('num_batches_tracked', this.trackRunningStats ? scalar(0, 'int32') : null);
  }

  /** Per-channel scale (gamma), starts at 1; null when affine is false. */
  get weight(): Parameter | null {
    return this.optionalParameter('weight');
  }
  /** Per-channel shift (beta), starts at 0; null when affine is false. */
  get bias(): Parameter | null {
    return this.optionalParameter('bias');
  }

  /** The running mean buffer (C); null without trackRunningStats. */
  get runningMean(): NDArray | null {
    return this.trackRunningStats ? this.getBuffer('running_mean') : null;
  }
  /** The running (unbiased) variance buffer (C); null without trackRunningStats. */
  get runningVar(): NDArray | null {
    return this.trackRunningStats ? this.getBuffer('running_var') : null;
  }
  /** How many training batches updated the running stats (the 0-d int32 buffer num_batches_tracked). */
  get numBatchesTracked(): number {
    return this.trackRunningStats ? this.getBuffer('num_batches_tracked').item() : 0;
  }

  /** Resets running_mean to 0, running_var to 1 and num_batches_tracked to 0. */
  resetRunningStats(): void {
    if (!this.trackRunningStats) return;
    const rm = this.getBuffer('running_mean');
    const rv = this.getBuffer('running_var');
    rm.data.fill(0);
    rv.data.fill(1);
    rm.storage.version++;
    rv.storage.version++;
    this.getBuffer('num_batches_tracked').set(0);
  }

  forward(x: Tensor): Tensor {
    checkInput(this, x, this.ranks, this.layout, this.numFeatures);
    const useBatchStats = this.training || !this.trackRunningStats;
    let updateFactor = 0;
    const update = this.training && this.trackRunningStats;
    if (useBatchStats && x.size / this.numFeatures <= 1) {
      throw new NNError(this.describe(), `expected more than 1 value per channel when training, got input of shape [${x.shape.join(', ')}]`);
    }
    if (update) {
      const nbt = this.getBuffer('num_batches_tracked');
      nbt.set(nbt.item() + 1);
      updateFactor = this.momentum === null ? 1 / nbt.item() : this.momentum;
    }
    const dtype = x.dtype;
    const weight = this.weight ?? full([this.numFeatures], 1, dtype);
    const bias = this.bias ?? full([this.numFeatures], 0, dtype);
    return batchNorm(x, weight, bias, {
      useBatchStats,
      eps: this.eps,
      runningMean: update || !useBatchStats ? this.runningMean : null,
      runningVar: update || !useBatchStats ? this.runningVar : null,
      updateFactor,
      layer: this.describe(),
    });
  }

  override extraRepr(): string {
    const py = (b: boolean): string => (b ? 'True' : 'False');
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum ?? 'None'}, affine=${py(this.affine)}, track_running_stats=${py(this.trackRunningStats)}`;
  }
}

/** torch.nn.BatchNorm2d over (N, C, H, W). */
export class BatchNorm2d extends BatchNormBase {
  protected readonly ranks = [4];
  protected readonly layout = '(N, C, H, W)';
}

/** torch.nn.BatchNorm1d over (N, C) or (N, C, L). */
export class BatchNorm1d extends BatchNormBase {
  protected readonly ranks = [2, 3];
  protected readonly layout = '(N, C) or (N, C, L)';
}
