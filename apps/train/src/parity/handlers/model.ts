// kind=model: a whole ResNet of @adder/addernet against the reference network: logits, loss, every
// parameter's gradient after the first backward, and the full state after `steps` SGD steps.
import { fromNDArray, noGrad, type Tensor } from '@adder/autograd';
import { resnet, type ResNetOptions } from '@adder/addernet';
import { SGD, crossEntropy } from '@adder/nn';
import type { NDArray } from '@adder/tensor';
import { compareTensor } from '../compare';
import { FixtureError, gradOf, numberOption, stringOption, tensorOf } from '../fixture-io';
import { TOLERANCES } from '../tolerances';
import type { Comparison, Fixture } from '../types';

/** The model names a fixture may ask for, and the factory options they mean. */
export const MODEL_NAMES: Readonly<Record<string, Pick<ResNetOptions, 'depth' | 'kind'>>> = {
  resnet20: { depth: 20, kind: 'adder' },
  resnet32: { depth: 32, kind: 'adder' },
  resnet56: { depth: 56, kind: 'adder' },
  'resnet20-cnn': { depth: 20, kind: 'cnn' },
  'resnet32-cnn': { depth: 32, kind: 'cnn' },
  'resnet56-cnn': { depth: 56, kind: 'cnn' },
};

/** The tensors under `prefix`, with the prefix removed. */
function withPrefix(fx: Fixture, prefix: string): Record<string, NDArray> {
  const out: Record<string, NDArray> = {};
  for (const [k, v] of Object.entries(fx.tensors)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
  return out;
}

/** Builds the model, loads `state.*`, runs the fixture's mode and compares everything it expects. */
export function modelHandler(fx: Fixture): Comparison[] {
  const modelName = stringOption(fx, 'model');
  const spec = MODEL_NAMES[modelName];
  if (spec === undefined) throw new FixtureError(fx.name, `unknown model '${modelName}' (known: ${Object.keys(MODEL_NAMES).join(', ')})`);
  const mode = stringOption(fx, 'mode');
  if (mode !== 'train' && mode !== 'eval') throw new FixtureError(fx.name, `mode must be 'train' or 'eval', got '${mode}'`);
  const model = resnet({
    ...spec,
    numClasses: numberOption(fx, 'num_classes', 10),
    inChannels: numberOption(fx, 'in_channels', 3),
    eta: numberOption(fx, 'eta', 0.2),
  });
  model.loadStateDict(withPrefix(fx, 'state.'));
  const input = fromNDArray(tensorOf(fx, 'input').clone());
  const target = tensorOf(fx, 'target');
  const res: Comparison[] = [];
  const forward = (): [Tensor, Tensor] => {
    const logits = model.call(input);
    return [logits, crossEntropy(logits, target)];
  };
  const compareForward = (logits: Tensor, loss: Tensor): void => {
    res.push(compareTensor('logits', logits.data, tensorOf(fx, 'expected.logits'), TOLERANCES.modelLogits));
    res.push(compareTensor('loss', loss.data, tensorOf(fx, 'expected.loss'), TOLERANCES.modelLogits));
  };
  if (mode === 'eval') {
    model.eval();
    const [logits, loss] = noGrad(forward);
    compareForward(logits, loss);
    return res;
  }
  model.train();
  const steps = numberOption(fx, 'steps', 1);
  const opt = new SGD([...model.parameters()], {
    lr: numberOption(fx, 'lr', 0.1),
    momentum: numberOption(fx, 'momentum', 0),
    weightDecay: numberOption(fx, 'weight_decay', 0),
  });
  for (let step = 0; step < steps; step++) {
    model.zeroGrad();
    const [logits, loss] = forward();
    loss.backward();
    if (step === 0) {
      compareForward(logits, loss);
      for (const [k, p] of model.namedParameters()) {
        res.push(compareTensor(`grad.${k}`, gradOf(fx, p, k), tensorOf(fx, `expected.grad.${k}`), TOLERANCES.modelGrads));
      }
    }
    opt.step();
  }
  for (const [k, v] of Object.entries(model.stateDict())) {
    res.push(compareTensor(`state.${k}`, v, tensorOf(fx, `expected.state.${k}`), TOLERANCES.modelState));
  }
  return res;
}
