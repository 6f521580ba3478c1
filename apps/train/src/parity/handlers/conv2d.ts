// op=conv2d: forward and backward of @adder/nn's Conv2d (also dilated and grouped) against torch.nn.functional.conv2d.
import { fromNDArray } from '@adder/autograd';
import { Conv2d } from '@adder/nn';
import type { NDArray } from '@adder/tensor';
import { compareTensor } from '../compare';
import { gradOf, numberOption, optionalTensor, tensorOf } from '../fixture-io';
import { TOLERANCES } from '../tolerances';
import type { Comparison, Fixture } from '../types';

/** Loads x, weight, optional bias and grad_out into a Conv2d layer, runs forward and backward, compares. */
export function conv2dHandler(fx: Fixture): Comparison[] {
  const x = tensorOf(fx, 'x');
  const weight = tensorOf(fx, 'weight');
  const bias = optionalTensor(fx, 'bias');
  const [cout, , kh, kw] = weight.shape as [number, number, number, number];
  const layer = new Conv2d(x.shape[1]!, cout, [kh, kw], {
    stride: numberOption(fx, 'stride', 1),
    padding: numberOption(fx, 'padding', 0),
    dilation: numberOption(fx, 'dilation', 1),
    groups: numberOption(fx, 'groups', 1),
    bias: bias !== undefined,
  });
  const state: Record<string, NDArray> = { weight };
  if (bias !== undefined) state.bias = bias;
  layer.loadStateDict(state);
  const xt = fromNDArray(x.clone(), true);
  const out = layer.call(xt);
  out.backward(tensorOf(fx, 'grad_out'));
  const tol = TOLERANCES.conv2d;
  const res = [
    compareTensor('out', out.data, tensorOf(fx, 'expected.out'), tol),
    compareTensor('grad_x', gradOf(fx, xt, 'x'), tensorOf(fx, 'expected.grad_x'), tol),
    compareTensor('grad_weight', gradOf(fx, layer.weight, 'weight'), tensorOf(fx, 'expected.grad_weight'), tol),
  ];
  if (bias !== undefined) res.push(compareTensor('grad_bias', gradOf(fx, layer.bias!, 'bias'), tensorOf(fx, 'expected.grad_bias'), tol));
  return res;
}
