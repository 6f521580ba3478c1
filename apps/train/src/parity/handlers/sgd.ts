// op=sgd: `steps` updates of @adder/nn's SGD from given gradients, lr possibly changed per step.
import { fromNDArray } from '@adder/autograd';
import { Parameter, SGD } from '@adder/nn';
import { compareTensor } from '../compare';
import { FixtureError, boolOption, numberListOption, numberOption, tensorOf } from '../fixture-io';
import { TOLERANCES } from '../tolerances';
import type { Comparison, Fixture } from '../types';

/** Applies grads[i] at step i with lr[i] and compares the final parameter. */
export function sgdHandler(fx: Fixture): Comparison[] {
  const grads = tensorOf(fx, 'grads');
  const steps = numberOption(fx, 'steps', grads.shape[0]!);
  if (grads.shape[0] !== steps) throw new FixtureError(fx.name, `grads holds ${grads.shape[0]} steps, metadata says ${steps}`);
  const lrs = numberListOption(fx, 'lr', steps);
  const param = new Parameter(tensorOf(fx, 'param').clone());
  const opt = new SGD([param], {
    lr: lrs[0]!,
    momentum: numberOption(fx, 'momentum', 0),
    dampening: numberOption(fx, 'dampening', 0),
    weightDecay: numberOption(fx, 'weight_decay', 0),
    nesterov: boolOption(fx, 'nesterov', false),
  });
  for (let i = 0; i < steps; i++) {
    opt.paramGroups[0]!.lr = lrs[i]!;
    param.grad = fromNDArray(grads.narrow(0, i, 1).squeeze(0).clone());
    opt.step();
  }
  return [compareTensor('param', param.data, tensorOf(fx, 'expected.param'), TOLERANCES.sgd)];
}
