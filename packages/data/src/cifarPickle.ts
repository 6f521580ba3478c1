// torchvision's cifar-10-batches-py (pickled dicts of numpy arrays): read through @adder/nn's safe pickle reader.
import type { ImageDataset } from './dataset';
import { DataError } from './errors';
import type { Split } from './idx';

/** Loads a split from a cifar-10-batches-py folder or cifar-10-python.tar.gz. (Pending the safe pickle reader of @adder/nn.) */
export async function loadCifar10Pickled(source: string, split: Split): Promise<ImageDataset> {
  throw new DataError(source, `expected the binary CIFAR-10 files, found only the pickled torchvision version (split ${split}), which this build cannot read yet; use cifar-10-binary.tar.gz`);
}
