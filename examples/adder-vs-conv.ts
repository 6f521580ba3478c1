// Example: one small network built twice, with adder layers and with convolutions, trained briefly on the bundled
// Fashion-MNIST sample; prints test accuracy, time and op counts side by side.
// Run: pnpm example adder-vs-conv
import { performance } from 'node:perf_hooks';
import { Adder2d, countOps, formatCount } from '@adder/addernet';
import { fromNDArray, noGrad, type Tensor } from '@adder/autograd';
import { DataLoader, FASHION_MNIST_MEAN, FASHION_MNIST_STD, compose, loadSample, normalize, toTensor, type Dataset } from '@adder/data';
import { AdaptiveAvgPool2d, BatchNorm2d, Conv2d, Flatten, Linear, MaxPool2d, ReLU, SGD, Sequential, crossEntropy, recalibrateBatchNorm, topkCorrect, type Module } from '@adder/nn';
import { Generator } from '@adder/tensor';
import type { ExampleOptions } from './options';

type Kind = 'adder' | 'cnn';

/** A 3x3 layer of either kind: Adder2d (Y = -sum |X - W|) or Conv2d (Y = sum X * W), same shapes and padding. */
function layer3x3(kind: Kind, cin: number, cout: number, gen: Generator): Module {
  return kind === 'adder'
    ? new Adder2d(cin, cout, 3, { padding: 1, generator: gen })
    : new Conv2d(cin, cout, 3, { padding: 1, bias: false, generator: gen });
}

/**
 * 28x28 -> conv stem -> 2 blocks of (3x3 adder or conv, BN, ReLU, pool) -> linear classifier. As in the paper's
 * ResNets, the stem and the classifier stay multiplying layers and a BatchNorm follows every adder layer.
 */
function makeNet(kind: Kind, width: number, seed: number): Sequential {
  const gen = new Generator(seed);
  return new Sequential(
    new Conv2d(1, width, 3, { padding: 1, bias: false, generator: gen }), new BatchNorm2d(width), new ReLU(), new MaxPool2d(2),
    layer3x3(kind, width, 2 * width, gen), new BatchNorm2d(2 * width), new ReLU(), new MaxPool2d(2),
    layer3x3(kind, 2 * width, 2 * width, gen), new BatchNorm2d(2 * width), new ReLU(),
    new AdaptiveAvgPool2d(1), new Flatten(), new Linear(2 * width, 10, { generator: gen }),
  );
}

/**
 * The first `count` training batches' images. Re-estimating BatchNorm on them (recalibrateBatchNorm: a plain average,
 * torch's momentum=None) matters here: an adder layer's outputs have large means (-sum |x - w| is far below 0) that
 * move as the weights learn, so the default exponential running estimate lags badly after a short run.
 */
function* firstImages(loader: DataLoader, count: number): IterableIterator<Tensor> {
  let taken = 0;
  for (const batch of loader.iterate(0)) {
    yield fromNDArray(batch.images);
    if (++taken >= count) return;
  }
}

/** Top-1 accuracy of `model` over a loader's epoch 0, without recording a graph. */
function evaluate(model: Module, loader: DataLoader): number {
  model.eval();
  let correct = 0;
  let seen = 0;
  noGrad(() => {
    for (const batch of loader.iterate(0)) {
      correct += topkCorrect(model.call(fromNDArray(batch.images)), batch.labels);
      seen += batch.labels.size;
    }
  });
  return correct / seen;
}

/** One kind's outcome. */
export interface KindResult {
  kind: Kind;
  testAccuracy: number;
  seconds: number;
  macs: number;
  multiplications: number;
  additions: number;
}

/** Trains both kinds with the same data, seed and recipe and returns their results (adder first). */
export async function main({ smoke, log }: ExampleOptions): Promise<KindResult[]> {
  const trainSize = smoke ? 64 : 1000;
  const testSize = smoke ? 32 : 500;
  const epochs = smoke ? 1 : 3;
  const width = smoke ? 4 : 8;
  const transform = compose(toTensor(), normalize(FASHION_MNIST_MEAN, FASHION_MNIST_STD));
  const every = (d: Dataset, n: number): Dataset => d.subset(Array.from({ length: n }, (_, i) => Math.floor((i * d.length) / n))); // all classes
  const train = new DataLoader(every(loadSample('train'), trainSize), { batchSize: 32, shuffle: true, seed: 0, transform });
  const test = new DataLoader(every(loadSample('test'), testSize), { batchSize: 100, transform });
  log(`Fashion-MNIST sample: ${trainSize} training and ${testSize} test images, ${epochs} epoch(s), batch 32, width ${width}`);

  const results: KindResult[] = [];
  for (const kind of ['adder', 'cnn'] as const) {
    const model = makeNet(kind, width, 0);
    const optimizer = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9, weightDecay: 5e-4 });
    const t0 = performance.now();
    for (let epoch = 0; epoch < epochs; epoch++) {
      model.train();
      for (const batch of train.iterate(epoch)) {
        const loss = crossEntropy(model.call(fromNDArray(batch.images)), batch.labels);
        model.zeroGrad();
        loss.backward();
        optimizer.step();
      }
    }
    const seconds = (performance.now() - t0) / 1000;
    recalibrateBatchNorm(model, firstImages(train, smoke ? 1 : 10));
    const testAccuracy = evaluate(model, test);
    const ops = countOps(model, [1, 28, 28]); // one image, as the code runs: an adder MAC = 2 additions
    results.push({ kind, testAccuracy, seconds, macs: ops.totalMacs, multiplications: ops.asRun.multiplications, additions: ops.asRun.additions });
  }

  log('');
  log(`${'kind'.padEnd(7)}${'test acc'.padStart(10)}${'train s'.padStart(10)}${'MACs/img'.padStart(12)}${'#Mul/img'.padStart(12)}${'#Add/img'.padStart(12)}`);
  for (const r of results) {
    log(`${r.kind.padEnd(7)}${`${(r.testAccuracy * 100).toFixed(1)}%`.padStart(10)}${r.seconds.toFixed(1).padStart(10)}${formatCount(r.macs).padStart(12)}${formatCount(r.multiplications).padStart(12)}${formatCount(r.additions).padStart(12)}`);
  }
  log('');
  log('The adder net keeps multiplications only in its conv stem and classifier; each of its adder MACs is a');
  log('subtraction and an accumulation. BatchNorm statistics were re-estimated before testing (see the code).');
  log('Accuracy after so short a run says little about the paper\'s result; see docs/training.md.');
  return results;
}
