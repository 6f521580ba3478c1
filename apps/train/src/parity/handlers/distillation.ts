// op=distillation: @adder/nn's distillationLoss (Hinton KL on softened logits + hard CE) and its gradient against torch's.
import { fromNDArray } from '@adder/autograd';
import { distillationLoss } from '@adder/nn';
import { compareTensor } from '../compare';
import { gradOf, numberOption, tensorOf } from '../fixture-io';
import { TOLERANCES } from '../tolerances';
import type { Comparison, Fixture } from '../types';

/** (1 - alpha) * CE(student, target) + alpha * T^2 * KL(softmax(teacher/T) || softmax(student/T)), then backward. */
export function distillationHandler(fx: Fixture): Comparison[] {
  const student = fromNDArray(tensorOf(fx, 'student').clone(), true);
  const loss = distillationLoss(student, tensorOf(fx, 'teacher'), tensorOf(fx, 'target'), {
    alpha: numberOption(fx, 'alpha', 0.5),
    temperature: numberOption(fx, 'temperature', 4),
  });
  loss.backward();
  const tol = TOLERANCES.distillation;
  return [
    compareTensor('loss', loss.data, tensorOf(fx, 'expected.loss'), tol),
    compareTensor('grad_student', gradOf(fx, student, 'student'), tensorOf(fx, 'expected.grad_student'), tol),
  ];
}
