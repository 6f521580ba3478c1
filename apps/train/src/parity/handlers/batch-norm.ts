// op=batch_norm2d: @adder/nn's BatchNorm2d in training or eval against torch.nn.functional.batch_norm.
import { fromNDArray } from '@adder/autograd';
import { BatchNorm2d } from '@adder/nn';
import { scalar } from '@adder/tensor';
import { compareTensor } from '../compare';
import { gradOf, boolOption, numberOption, tensorOf } from '../fixture-io';
import { TOLERANCES } from '../tolerances';
import type { Comparison, Fixture } from '../types';

/** Loads weight, bias and running statistics into a BatchNorm2d, runs forward and backward, compares. */
export function batchNorm2dHandler(fx: Fixture): Comparison[] {
  const x = tensorOf(fx, 'x');
  const layer = new BatchNorm2d(x.shape[1]!, { momentum: numberOption(fx, 'momentum', 0.1), eps: numberOption(fx, 'eps', 1e-5) });
  layer.loadStateDict({
    weight: tensorOf(fx, 'weight'),
    bias: tensorOf(fx, 'bias'),
    running_mean: tensorOf(fx, 'running_mean'),
    running_var: tensorOf(fx, 'running_var'),
    num_batches_tracked: scalar(0, 'int32'),
  });
  layer.train(boolOption(fx, 'training', true));
  const xt = fromNDArray(x.clone(), true);
  const out = layer.call(xt);
  out.backward(tensorOf(fx, 'grad_out'));
  const tol = TOLERANCES.batch_norm2d;
  return [
    compareTensor('out', out.data, tensorOf(fx, 'expected.out'), tol),
    compareTensor('grad_x', gradOf(fx, xt, 'x'), tensorOf(fx, 'expected.grad_x'), tol),
    compareTensor('grad_weight', gradOf(fx, layer.weight!, 'weight'), tensorOf(fx, 'expected.grad_weight'), tol),
    compareTensor('grad_bias', gradOf(fx, layer.bias!, 'bias'), tensorOf(fx, 'expected.grad_bias'), tol),
    compareTensor('running_mean', layer.runningMean!, tensorOf(fx, 'expected.running_mean'), tol),
    compareTensor('running_var', layer.runningVar!, tensorOf(fx, 'expected.running_var'), tol),
  ];
}
