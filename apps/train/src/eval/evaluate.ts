// Evaluation: loss, top-1/top-5, per-class accuracy, the confusion matrix and per-sample predictions.
import { fromNDArray, noGrad } from '@adder/autograd';
import type { DataLoader } from '@adder/data';
import { type Module, crossEntropy } from '@adder/nn';
import { argmax, topk } from '@adder/tensor';

/** The result of evaluating a model on a dataset. */
export interface EvalResult {
  loss: number;
  top1: number;
  top5: number;
  count: number;
  /** confusion[label][predicted] */
  confusion: number[][];
  /** predicted class of each sample, in dataset order */
  predictions: Int32Array;
  labels: Int32Array;
  /** seconds of wall time */
  seconds: number;
  /** images whose logits hold a NaN or an infinity */
  nonFiniteLogits: number;
}

/** Runs the model in eval mode without recording a graph over every batch of epoch 0 of the loader. */
export function evaluate(model: Module, loader: DataLoader, numClasses: number): EvalResult {
  const t0 = performance.now();
  const wasTraining = model.training;
  model.eval();
  const n = loader.dataset.length;
  const predictions = new Int32Array(n);
  const labels = new Int32Array(n);
  const confusion = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  let lossSum = 0;
  let top1 = 0;
  let top5 = 0;
  let nonFiniteLogits = 0;
  let pos = 0;
  const k = Math.min(5, numClasses);
  noGrad(() => {
    for (const batch of loader.iterate(0)) {
      const logits = model.call(fromNDArray(batch.images));
      const bs = batch.labels.size;
      lossSum += crossEntropy(logits, batch.labels, { reduction: 'sum' }).item();
      const pred = argmax(logits.data, 1);
      const values = logits.data.contiguous().data as Float32Array;
      for (let i = 0; i < bs; i++) if (!values.subarray(i * numClasses, (i + 1) * numClasses).every(Number.isFinite)) nonFiniteLogits++;
      const best = topk(logits.data, k, 1).indices;
      for (let i = 0; i < bs; i++) {
        const y = batch.labels.data[i]!;
        const p = pred.data[i]!;
        predictions[pos] = p;
        labels[pos] = y;
        pos++;
        confusion[y]![p]!++;
        if (p === y) top1++;
        for (let j = 0; j < k; j++) if (best.data[i * k + j] === y) top5++;
      }
    }
  });
  model.train(wasTraining);
  return { loss: lossSum / n, top1: top1 / n, top5: top5 / n, count: n, confusion, predictions, labels, seconds: (performance.now() - t0) / 1000, nonFiniteLogits };
}

/** Per-class accuracy from a confusion matrix (NaN for a class with no samples). */
export function perClassAccuracy(confusion: number[][]): number[] {
  return confusion.map((row, c) => {
    const total = row.reduce((a, b) => a + b, 0);
    return total === 0 ? NaN : row[c]! / total;
  });
}
