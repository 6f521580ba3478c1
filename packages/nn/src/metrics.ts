// Top-k accuracy of class scores against class indices.
import { Tensor } from '@adder/autograd';
import { NDArray, topk } from '@adder/tensor';
import { NNError } from './errors';
import type { ClassTarget } from './loss';

/** How many rows of scores (N, C) have their target among the k largest scores (ties keep the lower index). */
export function topkCorrect(scores: Tensor | NDArray, target: ClassTarget, k = 1): number {
  const s = scores instanceof Tensor ? scores.data : scores;
  if (s.ndim !== 2) throw new NNError('topkAccuracy', `expected scores of shape (N, C), got [${s.shape.join(', ')}]`);
  const [n, c] = s.shape as [number, number];
  if (!Number.isInteger(k) || k < 1 || k > c) throw new NNError('topkAccuracy', `k must be in 1..${c}, got ${k}`);
  const t = target instanceof Tensor ? target.data.toTyped() : target instanceof NDArray ? target.toTyped() : target;
  if (t.length !== n) throw new NNError('topkAccuracy', `expected ${n} targets, got ${t.length}`);
  const idx = topk(s, k, 1).indices.toTyped();
  let correct = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      if (idx[i * k + j] === t[i]) {
        correct++;
        break;
      }
    }
  }
  return correct;
}

/** The fraction (0..1) of rows whose target is among the k largest scores. */
export function topkAccuracy(scores: Tensor | NDArray, target: ClassTarget, k = 1): number {
  const n = (scores instanceof Tensor ? scores.data : scores).shape[0] ?? 0;
  return n === 0 ? 0 : topkCorrect(scores, target, k) / n;
}
