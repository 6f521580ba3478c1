// A whole ResNet-20 training step (forward, cross-entropy, backward, SGD with momentum 0.9 and weight decay 5e-4) at
// batch 32 on 2 threads, in images/s: our AdderNet and our CNN twin on each backend, PyTorch's own CNN (nn.Conv2d,
// oneDNN) and the reference PyTorch AdderNet in the same run. The target: our AdderNet step at 1/3 of PyTorch's CNN
// step's images/s or better.
import type { NetworkKind } from '@adder/addernet';
import { setNumThreads } from '@adder/tensor';
import type { BenchCase, BenchSuite } from '../harness';
import { resnetTrainStep } from './multicore-cases';
import { torchTrainStep } from './peer-torch';

/** The thread count of every row of this suite (ours and PyTorch's). */
const THREADS = 2;
/** Our step takes seconds: one warmup step, five timed. */
const STEPS = { warmup: 1, minReps: 5, maxReps: 5, minTimeMs: 0 };

function stepName(kind: NetworkKind, batch: number): string {
  return `train step resnet20-${kind} b${batch} t${THREADS}`;
}

function trainStepCase(batch: number, kind: NetworkKind, quick: boolean): BenchCase {
  const step = resnetTrainStep(kind, batch);
  return {
    name: stepName(kind, batch), items: batch, unit: 'img', measure: quick ? undefined : STEPS,
    run: () => {
      setNumThreads(THREADS); // a no-op when unchanged
      step();
    },
  };
}

export const resnetSuite: BenchSuite = {
  name: 'resnet',
  description: `ResNet-20 training step (SGD with momentum) at batch 32 on ${THREADS} threads: AdderNet and CNN twin on each backend, PyTorch's CNN (torch) and reference AdderNet (torch-ref)`,
  cases: (quick) => {
    const batch = quick ? 8 : 32;
    const adder = trainStepCase(batch, 'adder', quick);
    const cnn = trainStepCase(batch, 'cnn', quick);
    adder.vs = [{ name: cnn.name, impl: 'torch', target: 1 / 3 }, { name: cnn.name, label: 'adder/cnn twin' }];
    return [
      adder,
      // the reference AdderNet takes 18-74 s a step here: one warmup step and one timed (skip it with --skip torch-ref)
      { name: adder.name, impl: 'torch-ref', items: batch, unit: 'img', external: () => torchTrainStep('adder', batch, THREADS, 1, 1) },
      cnn,
      { name: cnn.name, impl: 'torch', items: batch, unit: 'img', external: () => torchTrainStep('cnn', batch, THREADS, quick ? 3 : 10, quick ? 1 : 2) },
    ];
  },
};
