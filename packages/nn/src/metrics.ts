// Top-k accuracy of class scores against class indices.
import { Tensor } from '@adder/autograd';
import { type NDArray, topk } from '@adder/tensor';
import { NNError } from './errors';
import { targetValues, type ClassTarget } from './loss';

/** How many rows of scores (N, C) have their target among the k largest scores (ties keep the lower index). */
export function topkCorrect(scores: Tensor | NDArray, target: ClassTarget, k = 1): number {
  return countTopk('topkCorrect', scores, target, k);
}

/** The fraction (0..1) of rows whose target is among the k largest scores. */
export function topkAccuracy(scores: Tensor | NDArray, target: ClassTarget, k = 1): number {
  const n = (scores instanceof Tensor ? scores.data : scores).shape[0] ?? 0;
  return n === 0 ? 0 : countTopk('topkAccuracy', scores, target, k) / n;
}

function countTopk(op: string, scores: Tensor | NDArray, target: ClassTarget, k: number): number {
  const s = scores instanceof Tensor ? scores.data : scores;
  if (s.ndim !== 2) throw new NNError(op, `expected scores of shape (N, C), got [${s.shape.join(', ')}]`);
  const [n, c] = s.shape as [number, number];
  if (!Number.isInteger(k) || k < 1 || k > c) throw new NNError(op, `k must be in 1..${c}, got ${k}`);
  const t = targetValues(op, target);
  if (t.length !== n) throw new NNError(op, `expected ${n} targets, got ${t.length}`);
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
