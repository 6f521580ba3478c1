// Re-estimates BatchNorm running statistics on training batches (no gradients), a cumulative average
// over the batches as torch's momentum=None does. AdderNet's outputs have large means, which makes
// the exponential running estimates lag behind during short runs.
import { fromNDArray, noGrad } from '@adder/autograd';
import type { DataLoader } from '@adder/data';
import { BatchNormBase, type Module } from '@adder/nn';

/** Recomputes every BatchNorm's running mean/var over `batches` batches of `loader` (epoch `epoch`). */
export function recalibrateBatchNorm(model: Module, loader: DataLoader, epoch: number, batches: number): void {
  const bns = [...model.modules()].filter((m): m is BatchNormBase => m instanceof BatchNormBase && m.trackRunningStats);
  if (bns.length === 0 || batches <= 0) return;
  const wasTraining = model.training;
  const saved = bns.map((bn) => bn.momentum);
  for (const bn of bns) {
    bn.resetRunningStats();
    bn.momentum = null;
  }
  model.train();
  noGrad(() => {
    let b = 0;
    for (const batch of loader.iterate(epoch)) {
      if (b++ >= batches) break;
      model.call(fromNDArray(batch.images));
    }
  });
  bns.forEach((bn, i) => (bn.momentum = saved[i]!));
  model.train(wasTraining);
}
