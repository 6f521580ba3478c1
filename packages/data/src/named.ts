// One entry point for the train command: a dataset by name (--dataset) with its matching train/test transform.
import { DEBIAN_FASHION_MNIST_DIR, loadFashionMnist, type Split } from './idx';
import { loadCifar10, loadCifar100 } from './cifar';
import type { ImageDataset } from './dataset';
import { cifar10Test, cifar10Train, fashionMnistTest, fashionMnistTrain } from './presets';
import { loadSample } from './sample';
import { syntheticDataset } from './synthetic';
import { compose, normalize, toTensor, type BatchTransform } from './transforms';
import { DataError } from './errors';

/** The datasets the train command knows by name. */
export const DATASET_NAMES = ['sample', 'fashion-mnist', 'cifar10', 'cifar100', 'synthetic'] as const;
/** A dataset name (`--dataset`). */
export type DatasetName = (typeof DATASET_NAMES)[number];

/** Options of loadNamedDataset. */
export interface NamedDatasetOptions {
  /** Data folder (CIFAR: where the archive or folders live; fashion-mnist: default Debian's folder). */
  root?: string;
  /** CIFAR only: download the official archive when missing. */
  download?: boolean;
  /** CIFAR only: show the download progress bar (default true). */
  progress?: boolean;
  /** CIFAR only: accept files with fewer (or more) records than the official ones (default false). */
  allowPartial?: boolean;
  /** synthetic only: number of images (default 2,000 train / 500 test) and its seed (default 0; the test split uses seed + 1). */
  length?: number;
  seed?: number;
}

/** A dataset and the transform that goes with it. */
export interface NamedDataset {
  dataset: ImageDataset;
  transform: BatchTransform;
}

/** Loads a dataset by name with its preset: 'sample' and 'fashion-mnist' come as 28x28 and are padded to 32x32 by the preset. */
export async function loadNamedDataset(name: DatasetName, split: Split, options: NamedDatasetOptions = {}): Promise<NamedDataset> {
  const train = split === 'train';
  switch (name) {
    case 'sample':
      return { dataset: loadSample(split), transform: train ? fashionMnistTrain() : fashionMnistTest() };
    case 'fashion-mnist':
      return { dataset: loadFashionMnist(split, options.root ?? DEBIAN_FASHION_MNIST_DIR), transform: train ? fashionMnistTrain() : fashionMnistTest() };
    case 'cifar10':
    case 'cifar100': {
      const cifarOptions = { root: options.root ?? 'data', split, download: options.download ?? false, progress: options.progress ?? true, allowPartial: options.allowPartial ?? false };
      const dataset = name === 'cifar10' ? await loadCifar10(cifarOptions) : await loadCifar100(cifarOptions);
      // ADDERNET.md gives only the CIFAR-10 recipe; CIFAR-100 uses it unchanged (its mean and std included).
      return { dataset, transform: train ? cifar10Train() : cifar10Test() };
    }
    case 'synthetic': {
      const seed = (options.seed ?? 0) + (train ? 0 : 1);
      const dataset = syntheticDataset({ length: options.length ?? (train ? 2000 : 500), seed });
      const norm = normalize([0.5, 0.5, 0.5], [0.25, 0.25, 0.25]);
      // No flip for gratings: a mirrored 45-degree grating would look like the 135-degree class.
      return { dataset, transform: compose(toTensor(), norm) };
    }
    default:
      throw new DataError('loadNamedDataset', `expected one of ${DATASET_NAMES.join(', ')}, found ${String(name)}`);
  }
}
