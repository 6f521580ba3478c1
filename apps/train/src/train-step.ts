// One training step, the ten lines a learner reads: forward, loss, backward, update.
import type { Tensor } from '@adder/autograd';
import type { Module } from '@adder/nn';

/** What a step returns: the logits (for accuracy) and the loss as a number. */
export interface StepResult {
  logits: Tensor;
  loss: number;
}

/**
 * One optimiser step on a batch: logits = model(images), loss = lossOf(logits), gradients by backward, then the
 * update. `check` sees the loss value before any gradient is applied (the trainer stops on a non-finite one).
 */
export function trainStep(model: Module, optimizer: { step(): void }, images: Tensor, lossOf: (logits: Tensor) => Tensor, check?: (loss: number) => void): StepResult {
  const logits = model.call(images);
  const loss = lossOf(logits);
  const value = loss.item();
  check?.(value);
  model.zeroGrad();
  loss.backward();
  optimizer.step();
  return { logits, loss: value };
}
