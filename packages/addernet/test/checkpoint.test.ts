// The authors' released ResNet-20 AdderNet (legacy .pth, `module.` prefix) in resnet({depth: 20}): eval logits
// agree with PyTorch's float64 logits committed by the generator. Skipped when the checkpoint is absent.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Tensor, noGrad } from '@adder/autograd';
import { loadSafetensors, loadTorchCheckpoint } from '@adder/io';
import { resnet } from '../src/index';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const checkpointPath = resolve(repoRoot, '../shared/checkpoints/ResNet20-AdderNet.pth');
const fixturePath = resolve(repoRoot, 'fixtures/official/resnet20_logits.safetensors');

describe.skipIf(!existsSync(checkpointPath))('official ResNet20-AdderNet.pth', () => {
  it('loads into resnet({depth: 20}) and its eval logits match PyTorch (max|diff| <= 1e-3 max|logit|, same argmax)', () => {
    const state = loadTorchCheckpoint(checkpointPath, { stripPrefix: 'module.' });
    expect(Object.keys(state)).toHaveLength(132);
    const model = resnet({ depth: 20 });
    model.loadStateDict(state);
    model.eval();
    const { tensors } = loadSafetensors(fixturePath);
    const input = tensors.input!;
    const want = tensors.logits!;
    const got = noGrad(() => model.call(new Tensor(input))).data;
    expect([...got.shape]).toEqual([...want.shape]);
    const [n, classes] = want.shape as [number, number];
    let maxLogit = 0;
    let maxDiff = 0;
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < classes; c++) {
        maxLogit = Math.max(maxLogit, Math.abs(want.get(i, c)));
        maxDiff = Math.max(maxDiff, Math.abs(got.get(i, c) - want.get(i, c)));
      }
    }
    expect(maxDiff).toBeLessThanOrEqual(1e-3 * maxLogit);
    const argmax = (a: typeof got, i: number): number => {
      let best = 0;
      for (let c = 1; c < classes; c++) if (a.get(i, c) > a.get(i, best)) best = c;
      return best;
    };
    for (let i = 0; i < n; i++) expect(argmax(got, i), `image ${i}`).toBe(argmax(want, i));
  });
});
