// op=adder2d: @adder/addernet's adder2d (forward, clamped dX, scaled dW) against the reference adder.
import { fromNDArray } from '@adder/autograd';
import { adder2d } from '@adder/addernet';
import { compareTensor } from '../compare';
import { gradOf, numberOption, tensorOf } from '../fixture-io';
import { TOLERANCES } from '../tolerances';
import type { Comparison, Fixture } from '../types';

/** Runs adder2d on x and weight with the fixture's stride, padding and eta, backpropagates grad_out, compares. */
export function adder2dHandler(fx: Fixture): Comparison[] {
  const x = fromNDArray(tensorOf(fx, 'x').clone(), true);
  const weight = fromNDArray(tensorOf(fx, 'weight').clone(), true);
  const out = adder2d(x, weight, {
    stride: numberOption(fx, 'stride', 1),
    padding: numberOption(fx, 'padding', 0),
    eta: numberOption(fx, 'eta', 0.2),
  });
  out.backward(tensorOf(fx, 'grad_out'));
  const tol = TOLERANCES.adder2d;
  return [
    compareTensor('out', out.data, tensorOf(fx, 'expected.out'), tol),
    compareTensor('grad_x', gradOf(fx, x, 'x'), tensorOf(fx, 'expected.grad_x'), tol),
    compareTensor('grad_weight', gradOf(fx, weight, 'weight'), tensorOf(fx, 'expected.grad_weight'), tol),
  ];
}
