// Picks the train and test datasets and their transforms for a config (sample, fashion-mnist, cifar, synthetic).
import path from 'node:path';
import {
  type BatchTransform,
  type Dataset,
  DEBIAN_FASHION_MNIST_DIR,
  cifar10Test,
  cifar10Train,
  compose,
  fashionMnistTest,
  fashionMnistTrain,
  loadCifar10,
  loadCifar100,
  loadFashionMnist,
  loadSample,
  normalize,
  randomCrop,
  randomHorizontalFlip,
  syntheticDataset,
  toTensor,
  type FashionMnistAugment,
} from '@adder/data';

/** What training and evaluation need of a dataset choice. */
export interface DataChoice {
  name: string;
  train: Dataset;
  test: Dataset;
  trainTransform: BatchTransform;
  testTransform: BatchTransform;
  inChannels: number;
  numClasses: number;
  classNames: readonly string[];
}

/** The dataset names the commands accept. */
export type DatasetName = 'sample' | 'fashion-mnist' | 'cifar10' | 'cifar100' | 'synthetic';

const CIFAR100_MEAN = [0.5071, 0.4865, 0.4409];
const CIFAR100_STD = [0.2673, 0.2564, 0.2762];

/**
 * Loads a dataset by name; `dataDir` overrides the default folder, `download` fetches CIFAR when missing.
 * The test half is loadTestData's, so training evaluates exactly what `pnpm eval` does.
 */
export async function loadData(name: DatasetName, opts: { dataDir: string | null; download: boolean; seed: number; cwd: string; augment?: FashionMnistAugment; allowPartialCifar?: boolean }): Promise<DataChoice> {
  // the training split first: with --download it fetches the archive that the test split then reads
  let train: Dataset;
  let trainTransform: BatchTransform;
  switch (name) {
    case 'sample':
      [train, trainTransform] = [loadSample('train'), fashionMnistTrain(opts.augment)];
      break;
    case 'fashion-mnist':
      [train, trainTransform] = [loadFashionMnist('train', opts.dataDir ?? DEBIAN_FASHION_MNIST_DIR), fashionMnistTrain(opts.augment)];
      break;
    case 'cifar10':
    case 'cifar100': {
      const root = opts.dataDir ?? path.resolve(opts.cwd, 'data');
      train = await (name === 'cifar10' ? loadCifar10 : loadCifar100)({ root, split: 'train', download: opts.download, allowPartial: opts.allowPartialCifar ?? false });
      trainTransform = name === 'cifar10' ? cifar10Train() : compose(randomCrop(32, 4), randomHorizontalFlip(0.5), toTensor(), normalize(CIFAR100_MEAN, CIFAR100_STD));
      break;
    }
    case 'synthetic':
      [train, trainTransform] = [syntheticDataset({ length: 512, numClasses: 4, seed: opts.seed }), syntheticTransform()];
      break;
  }
  return { ...(await loadTestData(name, opts)), train, trainTransform };
}

const cifarTestTransform = (name: 'cifar10' | 'cifar100'): BatchTransform => (name === 'cifar10' ? cifar10Test() : compose(toTensor(), normalize(CIFAR100_MEAN, CIFAR100_STD)));
const syntheticTransform = (): BatchTransform => compose(toTensor(), normalize([0.5, 0.5, 0.5], [0.25, 0.25, 0.25]));
const syntheticTest = (seed: number): Dataset => syntheticDataset({ length: 128, numClasses: 4, seed: seed + 1_000_003 });

/** The test split alone (what eval needs), with exactly the test transform and samples that loadData gives training. */
export type TestData = Pick<DataChoice, 'name' | 'test' | 'testTransform' | 'inChannels' | 'numClasses' | 'classNames'>;

/** Loads only the test split of a dataset (CIFAR's training files need not exist). */
export async function loadTestData(name: DatasetName, opts: { dataDir: string | null; seed: number; cwd: string; allowPartialCifar?: boolean }): Promise<TestData> {
  switch (name) {
    case 'sample': {
      const test = loadSample('test');
      return { name, test, testTransform: fashionMnistTest(), inChannels: 1, numClasses: 10, classNames: test.classNames };
    }
    case 'fashion-mnist': {
      const test = loadFashionMnist('test', opts.dataDir ?? DEBIAN_FASHION_MNIST_DIR);
      return { name, test, testTransform: fashionMnistTest(), inChannels: 1, numClasses: 10, classNames: test.classNames };
    }
    case 'cifar10':
    case 'cifar100': {
      const root = opts.dataDir ?? path.resolve(opts.cwd, 'data');
      const test = await (name === 'cifar10' ? loadCifar10 : loadCifar100)({ root, split: 'test', download: false, allowPartial: opts.allowPartialCifar ?? false });
      return { name, test, testTransform: cifarTestTransform(name), inChannels: 3, numClasses: test.classNames.length, classNames: test.classNames };
    }
    case 'synthetic': {
      const test = syntheticTest(opts.seed);
      return { name, test, testTransform: syntheticTransform(), inChannels: 3, numClasses: 4, classNames: test.classNames };
    }
  }
}

/** The first `n` samples of a dataset (or all of it). */
export function firstN(ds: Dataset, n: number | null): Dataset {
  if (n === null || n >= ds.length) return ds;
  return ds.subset(Array.from({ length: n }, (_, i) => i));
}
