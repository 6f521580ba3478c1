// Re-estimates BatchNorm running statistics as a plain average over given inputs (torch's momentum=None), no gradients.
import { noGrad, type Tensor } from '@adder/autograd';
import { BatchNormBase } from './layers/batch-norm';
import type { Module } from './module';

/**
 * Resets every BatchNorm of `model` that tracks running statistics, then runs `inputs` through the model in training
 * mode with momentum null, so running_mean/var become the average of the batches' mean/unbiased var. Momentum and the
 * train/eval mode are restored afterwards; returns how many inputs were used.
 */
export function recalibrateBatchNorm(model: Module, inputs: Iterable<Tensor>): number {
  const bns = [...model.modules()].filter((m): m is BatchNormBase => m instanceof BatchNormBase && m.trackRunningStats);
  if (bns.length === 0) return 0;
  const wasTraining = model.training;
  const saved = bns.map((bn) => bn.momentum);
  for (const bn of bns) {
    bn.resetRunningStats();
    bn.momentum = null;
  }
  let used = 0;
  try {
    model.train();
    noGrad(() => {
      for (const x of inputs) {
        model.call(x);
        used++;
      }
    });
  } finally {
    bns.forEach((bn, i) => (bn.momentum = saved[i]!));
    model.train(wasTraining);
  }
  return used;
}
