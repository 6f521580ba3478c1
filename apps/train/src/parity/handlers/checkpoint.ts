// kind=checkpoint: a released .pth (read from ../shared/checkpoints, never committed) in eval mode against
// PyTorch's float64 logits on the fixture's input; the bound is relative to max|logit|, argmax must agree.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fromNDArray, noGrad } from '@adder/autograd';
import { resnet } from '@adder/addernet';
import { loadTorchCheckpoint } from '@adder/io';
import { argmax, type NDArray } from '@adder/tensor';
import { compareTensor } from '../compare';
import { FixtureError, numberOption, stringOption, tensorOf } from '../fixture-io';
import { TOLERANCES } from '../tolerances';
import type { Comparison, Fixture } from '../types';
import { MODEL_NAMES } from './model';

/** Where released checkpoints live: `shared/checkpoints/` beside the repository. */
export const CHECKPOINT_DIR = fileURLToPath(new URL('../../../../../../shared/checkpoints/', import.meta.url));

/** Loads the named checkpoint into the named model, runs eval forward on `input`, compares with `logits`. */
export function checkpointHandler(fx: Fixture): Comparison[] {
  const file = stringOption(fx, 'checkpoint');
  const path = CHECKPOINT_DIR + file;
  if (!existsSync(path)) throw new FixtureError(fx.name, `checkpoint ${path} is absent (it is never committed; see fixtures/README.md)`);
  const modelName = stringOption(fx, 'model');
  const spec = MODEL_NAMES[modelName];
  if (spec === undefined) throw new FixtureError(fx.name, `unknown model '${modelName}' (known: ${Object.keys(MODEL_NAMES).join(', ')})`);
  const model = resnet({ ...spec, numClasses: numberOption(fx, 'num_classes', 10), inChannels: numberOption(fx, 'in_channels', 3) });
  model.loadStateDict(loadTorchCheckpoint(path, { stripPrefix: 'module.' }));
  model.eval();
  const logits = noGrad(() => model.call(fromNDArray(tensorOf(fx, 'input').clone()))).data;
  const expected = tensorOf(fx, 'logits');
  return [compareTensor('logits', logits, expected, TOLERANCES.checkpointLogits), compareArgmax(logits, expected)];
}

/** The number of rows whose argmax differs, held to 0. */
function compareArgmax(actual: NDArray, expected: NDArray): Comparison {
  const a = argmax(actual, 1).toTyped();
  const e = argmax(expected, 1).toTyped();
  let wrong = 0;
  for (let i = 0; i < e.length; i++) if (a[i] !== e[i]) wrong++;
  return { name: 'argmax', maxAbs: wrong, maxRel: wrong / Math.max(1, e.length), bound: 0, pass: wrong === 0 };
}
