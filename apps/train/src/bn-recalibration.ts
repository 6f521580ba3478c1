// Re-estimates BatchNorm running statistics on the first training batches of an epoch (no gradients), a cumulative
// average over the batches as torch's momentum=None does. AdderNet's outputs have large means, which makes the
// exponential running estimates lag behind during short runs.
import { fromNDArray, type Tensor } from '@adder/autograd';
import type { DataLoader } from '@adder/data';
import { recalibrateBatchNorm, type Module } from '@adder/nn';

/** The images of the first `count` batches of `loader` in epoch `epoch`, as Tensors (the loader is closed after). */
function* firstBatches(loader: DataLoader, epoch: number, count: number): Generator<Tensor> {
  let taken = 0;
  for (const batch of loader.iterate(epoch)) {
    yield fromNDArray(batch.images);
    if (++taken >= count) return;
  }
}

/**
 * Recomputes every BatchNorm's running mean/var over `batches` batches of `loader` (epoch `epoch`): a loader
 * adapter around @adder/nn's recalibrateBatchNorm, which does the work.
 */
export function recalibrateBatchNormFromLoader(model: Module, loader: DataLoader, epoch: number, batches: number): void {
  if (batches <= 0) return;
  recalibrateBatchNorm(model, firstBatches(loader, epoch, batches));
}
