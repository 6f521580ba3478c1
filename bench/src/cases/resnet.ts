// A whole ResNet-20 AdderNet training step (forward, cross-entropy, backward, SGD) at batch 32, in images/s.
import { Tensor } from '@adder/autograd';
import { resnet, type NetworkKind } from '@adder/addernet';
import { SGD, crossEntropy } from '@adder/nn';
import { Generator, randint, randn } from '@adder/tensor';
import type { BenchCase, BenchSuite } from '../harness';

function trainStepCase(batch: number, kind: NetworkKind): BenchCase {
  const gen = new Generator(7);
  const model = resnet({ depth: 20, kind, generator: gen });
  const opt = new SGD([...model.parameters()], { lr: 0.1, momentum: 0.9, weightDecay: 5e-4 });
  const x = new Tensor(randn([batch, 3, 32, 32], { generator: gen }));
  const target = randint(0, 10, [batch], { generator: gen, dtype: 'int32' });
  return {
    name: `train step resnet20-${kind} b${batch}`,
    items: batch,
    unit: 'img',
    run: () => {
      opt.zeroGrad();
      crossEntropy(model.call(x), target).backward();
      opt.step();
    },
  };
}

export const resnetSuite: BenchSuite = {
  name: 'resnet',
  description: 'ResNet-20 training step (forward, cross-entropy, backward, SGD with momentum) on CIFAR-sized input, AdderNet and CNN twin',
  cases: (quick) => [trainStepCase(quick ? 8 : 32, 'adder'), trainStepCase(quick ? 8 : 32, 'cnn')],
};
