// Data loader images/s: gather + augmentation + normalisation of CIFAR-sized batches of 256 (main thread and worker prefetch).
import { cifar10Test, cifar10Train, DataLoader, fashionMnistTrain, ImageDataset, loadSample, type Batch, type BatchTransform, type Dataset } from '@adder/data';
import { Generator } from '@adder/tensor';
import type { BenchCase, BenchSuite } from '../harness';

/** A CIFAR-shaped dataset of random pixels (the loader's cost does not depend on the pixel values). */
function randomCifar(n: number): ImageDataset {
  const gen = new Generator(1);
  const pixels = new Uint8Array(n * 3072);
  for (let i = 0; i < pixels.length; i++) pixels[i] = gen.nextUint32() & 255;
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[i] = i % 10;
  return new ImageDataset(pixels, labels, 3, 32, 32, Array.from({ length: 10 }, (_, k) => `c${k}`));
}

/** Each run loads the next batch of 256 on the main thread, walking through epochs. */
function mainThreadCase(name: string, dataset: Dataset, transform: BatchTransform): BenchCase {
  const loader = new DataLoader(dataset, { batchSize: 256, shuffle: true, dropLast: true, seed: 0, transform });
  let step = 0;
  return {
    name,
    items: 256,
    unit: 'images',
    run: () => {
      const b = step % loader.numBatches;
      void loader.loadBatch(Math.floor(step / loader.numBatches), b);
      step++;
    },
  };
}

/** Each run awaits the next batch from a worker-prefetching iterator: the main thread only waits for what is not ready. */
function workerCase(name: string, dataset: Dataset, transform: BatchTransform): BenchCase {
  const loader = new DataLoader(dataset, { batchSize: 256, shuffle: true, dropLast: true, seed: 0, transform, prefetch: 'worker' });
  let epoch = 0;
  let it: AsyncGenerator<Batch> = loader.iterateAsync(epoch);
  return {
    name,
    items: 256,
    unit: 'images',
    run: async () => {
      let next = await it.next();
      if (next.done) {
        it = loader.iterateAsync(++epoch);
        next = await it.next();
      }
    },
  };
}

export const dataLoaderSuite: BenchSuite = {
  name: 'data-loader',
  description: 'DataLoader throughput for batches of 256: gather, RandomCrop(32, 4) + flip + normalise, or normalise only',
  cases: (quick) => {
    const cifar = randomCifar(quick ? 1024 : 4096);
    const cases = [
      mainThreadCase('CIFAR-10 train preset, batch 256', cifar, cifar10Train()),
      mainThreadCase('CIFAR-10 test preset, batch 256', cifar, cifar10Test()),
      mainThreadCase('Fashion-MNIST sample, train preset (28 -> 32), batch 256', loadSample('train'), fashionMnistTrain()),
    ];
    if (!quick) cases.push(workerCase('CIFAR-10 train preset, worker prefetch, batch 256', cifar, cifar10Train()));
    return cases;
  },
};
