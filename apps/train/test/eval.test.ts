// pnpm eval: predictions, accuracy and loss against an independent decode of CIFAR-format files; checkpoint formats,
// architecture inference, mismatched checkpoints refused; the official .pth as a new user would run it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromNDArray, noGrad } from '@adder/autograd';
import { type Module, SGD, crossEntropy } from '@adder/nn';
import { loadTorchCheckpoint, saveSafetensors } from '@adder/io';
import { type NDArray, fromArray } from '@adder/tensor';
import { saveCheckpoint } from '../src/checkpoint';
import type { EvalConfig } from '../src/eval/config';
import { EvalMismatchError, runEval } from '../src/eval/run';
import { buildModel } from '../src/models';
import { readCheckpointWeights } from '../src/eval/weights';
import { decodeTestBatch, writeCifar10 } from './fixtures/cifar-files';

const here = path.dirname(fileURLToPath(import.meta.url));
const appDir = path.resolve(here, '..');
const repoRoot = path.resolve(appDir, '../..');
const OFFICIAL = path.resolve(repoRoot, '../shared/checkpoints/ResNet20-AdderNet.pth');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'adder-eval-'));
const N = 12;
let testImages: { images: NDArray; labels: Int32Array };
let ours: string;
let cnn: Module;

/** The oracle: the model in eval mode on the hand-decoded batch; argmax and mean cross-entropy computed in float64. */
function oracle(model: Module): { predictions: number[]; loss: number; top1: number } {
  model.eval();
  const logits = noGrad(() => model.call(fromNDArray(testImages.images))).data;
  const [n, k] = logits.shape as [number, number];
  const predictions: number[] = [];
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    let max = -Infinity;
    for (let c = 0; c < k; c++) if (logits.get(i, c) > max) [max, best] = [logits.get(i, c), c];
    let z = 0;
    for (let c = 0; c < k; c++) z += Math.exp(logits.get(i, c) - max);
    loss += max + Math.log(z) - logits.get(i, testImages.labels[i]!);
    predictions.push(best);
    if (best === testImages.labels[i]) correct++;
  }
  return { predictions, loss: loss / n, top1: correct / n };
}

const config = (over: Partial<EvalConfig>): EvalConfig => ({ checkpoint: ours, model: null, kind: null, dataset: 'cifar10', dataDir: path.join(tmp, 'data'), allowPartialCifar: true, evalSubset: null, batchSize: 5, predictions: null, threads: null, backend: null, ...over });
const csvRows = (file: string): string[] => fs.readFileSync(file, 'utf8').trimEnd().split('\n');

beforeAll(() => {
  const dir = writeCifar10(path.join(tmp, 'data'), N);
  testImages = decodeTestBatch(path.join(dir, 'test_batch.bin'));
  // our training checkpoint of a CNN ResNet-20 after one SGD step (so it carries optim.* tensors and BN statistics)
  cnn = buildModel({ model: 'resnet20', kind: 'cnn', numClasses: 10, inChannels: 3 });
  const sgd = new SGD(cnn.parameters(), { lr: 0.1, momentum: 0.9 });
  crossEntropy(cnn.call(fromNDArray(testImages.images.slice(0, 0, 4))), fromArray(testImages.labels.slice(0, 4), [4], 'int32')).backward();
  sgd.step();
  ours = path.join(tmp, 'ours.safetensors');
  saveCheckpoint(ours, cnn, sgd, { epoch: 1, step: 1, bestAcc: 0, config: { dataset: 'cifar10', seed: 0 }, schedule: { name: 'constant', lastEpoch: 1 }, rng: null });
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('pnpm eval on CIFAR-format files', () => {
  it('matches the oracle: predictions in dataset order, top-1 and loss; reports per-class accuracy and the confusion matrix', async () => {
    const want = oracle(cnn);
    const lines: string[] = [];
    const predictions = path.join(tmp, 'out', 'pred.csv');
    const r = await runEval(config({ predictions }), (l) => lines.push(l), tmp);
    const log = lines.join('\n');
    expect(log).toMatch(/model: resnet20 \(cnn\), inferred from the checkpoint's keys and shapes/);
    expect(log).toMatch(/safetensors, 132 model tensors, \d+ optimiser tensors ignored/);
    expect(log).toMatch(/12 images of 3x32x32, 10 classes, batch 5/);
    expect(r.inferred).toBe(true);
    const rows = csvRows(predictions);
    expect(rows[0]).toBe('index,label,predicted');
    expect(rows.slice(1)).toEqual(want.predictions.map((p, i) => `${i},${testImages.labels[i]},${p}`));
    expect(r.result.top1).toBe(want.top1);
    expect(Math.abs(r.result.loss - want.loss)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(want.loss)));
    expect(r.result.top5).toBeGreaterThanOrEqual(r.result.top1);
    // the confusion matrix counts (label, predicted) pairs
    const confusion = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
    want.predictions.forEach((p, i) => confusion[testImages.labels[i]!]![p]!++);
    expect(r.result.confusion).toEqual(confusion);
    expect(log).toMatch(/per-class accuracy:\n +0 airplane +[\d.]+%  \(\d+\/\d+\)/);
    expect(log).toMatch(/confusion matrix \(rows: true class, columns: predicted class\):/);
    expect(fs.readdirSync(path.join(tmp, 'out'))).toEqual(['pred.csv']);
  });

  it('strips a module. prefix, and evaluates the first N with --eval-subset', async () => {
    const prefixed = path.join(tmp, 'prefixed.safetensors');
    const sd = cnn.stateDict();
    saveSafetensors(prefixed, Object.fromEntries(Object.entries(sd).map(([k, v]) => [`module.${k}`, v])));
    const lines: string[] = [];
    const predictions = path.join(tmp, 'prefixed.csv');
    await runEval(config({ checkpoint: prefixed, evalSubset: 7, predictions }), (l) => lines.push(l), tmp);
    expect(lines.join('\n')).toMatch(/'module\.' prefix stripped/);
    const want = oracle(cnn).predictions.slice(0, 7);
    expect(csvRows(predictions).slice(1)).toEqual(want.map((p, i) => `${i},${testImages.labels[i]},${p}`));
  });

  it('refuses a checkpoint that does not match the model, listing the mismatched keys', async () => {
    const quiet = (): void => {};
    const deeper = runEval(config({ model: 'resnet32' }), quiet, tmp);
    await expect(deeper).rejects.toThrow(EvalMismatchError);
    await expect(deeper).rejects.toThrow(/does not match resnet32 \(cnn[\s\S]*missing keys \(\d+\): layer1\.3\.conv1\.weight/);
    await expect(runEval(config({ kind: 'adder' }), quiet, tmp)).rejects.toThrow(/does not match resnet20 \(adder[\s\S]*missing keys \(20\): layer1\.0\.conv1\.adder[\s\S]*unexpected keys \(20\): layer1\.0\.conv1\.weight/);
    // a 4-class model (e.g. trained on the synthetic set) against CIFAR-10's 10 classes
    const four = path.join(tmp, 'four.safetensors');
    saveSafetensors(four, buildModel({ model: 'resnet20', kind: 'cnn', numClasses: 4, inChannels: 3 }).stateDict());
    await expect(runEval(config({ checkpoint: four }), quiet, tmp)).rejects.toThrow(/classifier has 4 classes, cifar10 has 10[\s\S]*size mismatch for fc\.weight/);
    const junk = path.join(tmp, 'junk.pth');
    fs.writeFileSync(junk, 'not a checkpoint at all');
    await expect(runEval(config({ checkpoint: junk }), quiet, tmp)).rejects.toThrow(/junk\.pth: neither a safetensors file nor a PyTorch checkpoint/);
  });
});

describe('checkpoint files', () => {
  const PTH = path.join(repoRoot, 'fixtures', 'pth');
  const expected = JSON.parse(fs.readFileSync(path.join(PTH, 'expected.json'), 'utf8')) as { files: Record<string, Record<string, { shape: number[] }>> };

  it('reads torch zip and legacy files by content, stripping module. when every key has it', () => {
    for (const name of ['basic_zip.pth', 'basic_legacy.pth', 'prefixed_legacy.pth']) {
      const w = readCheckpointWeights(path.join(PTH, name));
      expect(w.format, name).toBe('torch');
      const keys = Object.keys(expected.files[name]!);
      const stripped = keys.every((k) => k.startsWith('module.'));
      expect(w.strippedModulePrefix, name).toBe(stripped);
      expect(Object.keys(w.tensors).sort(), name).toEqual(keys.map((k) => (stripped ? k.slice('module.'.length) : k)).sort());
      for (const k of keys) expect([...w.tensors[stripped ? k.slice(7) : k]!.shape], `${name} ${k}`).toEqual(expected.files[name]![k]!.shape);
    }
  });

  it('reads our training checkpoint without its optimiser tensors, whatever the file is called', () => {
    const renamed = path.join(tmp, 'ours.bin');
    fs.copyFileSync(ours, renamed);
    const w = readCheckpointWeights(renamed);
    expect(w.format).toBe('safetensors');
    expect(w.ignoredOptimizerKeys).toBeGreaterThan(0);
    expect(Object.keys(w.tensors).sort()).toEqual(Object.keys(cnn.stateDict()).sort());
    expect(() => readCheckpointWeights(path.join(tmp, 'missing.pth'))).toThrow(/missing\.pth: no such file/);
  });
});

describe.skipIf(!fs.existsSync(OFFICIAL))('pnpm eval with the official ResNet20-AdderNet.pth, as a new user runs it', () => {
  it('infers ResNet-20 AdderNet, strips module., and predicts as the model does on the hand-decoded images', async () => {
    const script = (JSON.parse(fs.readFileSync(path.join(appDir, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['eval']!;
    expect(script).toBe('node --import tsx src/adder.ts eval');
    const args = ['--import', 'tsx', 'src/adder.ts', 'eval', '--checkpoint', '../shared/checkpoints/ResNet20-AdderNet.pth', '--dataset', 'cifar10', '--data-dir', path.join(tmp, 'data'), '--allow-partial-cifar', '--predictions', path.join(tmp, 'official.csv')];
    // pnpm runs the script inside apps/train with INIT_CWD = where the user typed the command (the repo root)
    const child = spawn(process.execPath, args, { cwd: appDir, env: { ...process.env, INIT_CWD: repoRoot }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (out += d.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const csv = path.join(tmp, 'official.csv');
    expect(code, out).toBe(0);
    expect(out).toMatch(/checkpoint: PyTorch, 132 model tensors, 'module\.' prefix stripped/);
    expect(out).toMatch(/model: resnet20 \(adder\), inferred from the checkpoint's keys and shapes/);
    expect(out).toMatch(/top-1 accuracy [\d.]+% \(\d+\/12\) {3}top-5 accuracy [\d.]+%/);
    const model = buildModel({ model: 'resnet20', kind: 'adder', numClasses: 10, inChannels: 3 });
    model.loadStateDict(loadTorchCheckpoint(OFFICIAL, { stripPrefix: 'module.' }));
    const want = oracle(model);
    expect(csvRows(csv).slice(1)).toEqual(want.predictions.map((p, i) => `${i},${testImages.labels[i]},${p}`));
  });
});
