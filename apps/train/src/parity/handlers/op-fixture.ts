// The generic op fixture (tools/golden/generate.py generic_op_case): float inputs, each differentiated, an optional
// grad_out, and expected.out with expected.grad_<input> for every differentiated input.
import { fromNDArray, type Tensor } from '@adder/autograd';
import { compareTensor } from '../compare';
import { gradOf, optionalTensor, tensorOf } from '../fixture-io';
import type { Tolerance } from '../tolerances';
import type { Comparison, Fixture } from '../types';

/**
 * Makes leaves of the named inputs (float32, as stored), calls the op, backpropagates grad_out (or 1 for a
 * scalar output), and compares out and each input's gradient.
 */
export function runOpFixture(fx: Fixture, differentiated: readonly string[], call: (inputs: Record<string, Tensor>) => Tensor, tol: Tolerance): Comparison[] {
  const inputs: Record<string, Tensor> = {};
  for (const k of differentiated) inputs[k] = fromNDArray(tensorOf(fx, k).clone(), true);
  const out = call(inputs);
  const gradOut = optionalTensor(fx, 'grad_out');
  if (gradOut === undefined) out.backward();
  else out.backward(gradOut);
  return [
    compareTensor('out', out.data, tensorOf(fx, 'expected.out'), tol),
    ...differentiated.map((k) => compareTensor(`grad_${k}`, gradOf(fx, inputs[k]!, k), tensorOf(fx, `expected.grad_${k}`), tol)),
  ];
}
