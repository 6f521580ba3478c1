// Example: load the authors' released ResNet-20 AdderNet (a legacy PyTorch .pth) without Python, print its op
// table, and predict the fixed inputs of fixtures/official against PyTorch's logits for them.
// Run: pnpm example load-official-checkpoint
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { countOps, formatOpCount, resnet } from '@adder/addernet';
import { fromNDArray, noGrad } from '@adder/autograd';
import { CIFAR10_CLASSES } from '@adder/data';
import { loadSafetensors, loadTorchCheckpoint } from '@adder/io';
import type { ExampleOptions } from './options';

/** Where the checkpoint lives: ../shared/checkpoints beside the repository (never committed into it). */
export const CHECKPOINT = fileURLToPath(new URL('../../shared/checkpoints/ResNet20-AdderNet.pth', import.meta.url));
/** Fixed inputs and PyTorch's float64 logits for them (written by tools/golden/generate.py). */
export const FIXTURE = fileURLToPath(new URL('../fixtures/official/resnet20_logits.safetensors', import.meta.url));

/** What the example found (null when the checkpoint is absent). */
export interface OfficialCheckpointResult {
  tensors: number;
  predictions: number[];
  torchPredictions: number[];
  maxAbsLogitDiff: number;
}

/** Loads the checkpoint into resnet({ depth: 20 }), prints the op table and the predictions. */
export async function main({ smoke, log }: ExampleOptions): Promise<OfficialCheckpointResult | null> {
  if (!existsSync(CHECKPOINT)) {
    log(`The official checkpoint is not at ${CHECKPOINT}; nothing to load.`);
    log('Get ResNet20-AdderNet.pth from the AdderNet reference repository and place it there to run this example.');
    return null;
  }
  // A state dict of 132 tensors saved from nn.DataParallel: every key starts with 'module.'.
  const state = loadTorchCheckpoint(CHECKPOINT, { stripPrefix: 'module.' });
  const model = resnet({ depth: 20 }); // kind 'adder', 10 classes, 3 input channels
  model.loadStateDict(state); // strict: every key and shape must match
  model.eval(); // BatchNorm uses the running statistics
  log(`loaded ${Object.keys(state).length} tensors into ResNet-20 (${model.numParameters().toLocaleString('en-US')} parameters)`);
  log('');
  log(formatOpCount(countOps(model, [3, 32, 32])));
  log('');

  const fixture = loadSafetensors(FIXTURE).tensors;
  const count = smoke ? 1 : fixture['input']!.shape[0]!;
  const input = fixture['input']!.narrow(0, 0, count); // uniform random uint8 images, CIFAR-normalised
  const torchLogits = fixture['logits']!.narrow(0, 0, count);
  const logits = noGrad(() => model.call(fromNDArray(input))).data;
  const argmax = (rows: number[][]): number[] => rows.map((r) => r.indexOf(Math.max(...r)));
  const ours = logits.toArray() as number[][];
  const theirs = torchLogits.toArray() as number[][];
  const predictions = argmax(ours);
  const torchPredictions = argmax(theirs);
  let maxAbsLogitDiff = 0;
  for (let i = 0; i < count; i++) for (let j = 0; j < 10; j++) maxAbsLogitDiff = Math.max(maxAbsLogitDiff, Math.abs(ours[i]![j]! - theirs[i]![j]!));
  for (let i = 0; i < count; i++) {
    log(`image ${i}: predicted ${CIFAR10_CLASSES[predictions[i]!]} (PyTorch: ${CIFAR10_CLASSES[torchPredictions[i]!]}), logits ${ours[i]!.map((v) => v.toFixed(1)).join(' ')}`);
  }
  log(`max |logit - PyTorch's| = ${maxAbsLogitDiff.toExponential(2)} (the images are random noise: the classes mean nothing,`);
  log('the agreement does). For accuracy on the real CIFAR-10 test set, see `pnpm eval` in docs/training.md.');
  return { tensors: Object.keys(state).length, predictions, torchPredictions, maxAbsLogitDiff };
}
