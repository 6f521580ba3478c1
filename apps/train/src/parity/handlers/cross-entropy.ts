// op=cross_entropy: @adder/nn's crossEntropy (mean reduction; class indices or, for a float target, class
// probabilities; (N, C) or (N, C, d...) logits; an optional per-class weight) and its gradient against torch's.
import { fromNDArray } from '@adder/autograd';
import { crossEntropy } from '@adder/nn';
import { compareTensor } from '../compare';
import { gradOf, numberOption, optionalTensor, tensorOf } from '../fixture-io';
import { TOLERANCES } from '../tolerances';
import type { Comparison, Fixture } from '../types';

/** Computes the loss of logits against the int64 (loaded as int32) or float target, backpropagates, compares. */
export function crossEntropyHandler(fx: Fixture): Comparison[] {
  const logits = fromNDArray(tensorOf(fx, 'logits').clone(), true);
  const loss = crossEntropy(logits, tensorOf(fx, 'target'), {
    labelSmoothing: numberOption(fx, 'label_smoothing', 0),
    ignoreIndex: numberOption(fx, 'ignore_index', -100),
    weight: optionalTensor(fx, 'weight') ?? null,
  });
  loss.backward();
  const tol = TOLERANCES.cross_entropy;
  return [
    compareTensor('loss', loss.data, tensorOf(fx, 'expected.loss'), tol),
    compareTensor('grad_logits', gradOf(fx, logits, 'logits'), tensorOf(fx, 'expected.grad_logits'), tol),
  ];
}
