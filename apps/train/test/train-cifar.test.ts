// pnpm train --dataset cifar10 on CIFAR-format files in the default ./data folder, then pnpm eval on its checkpoint.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runEval } from '../src/eval/run';
import { writeCifar10 } from './fixtures/cifar-files';
import { tinyConfig, trainCaptured } from './fixtures/train-harness';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'adder-train-cifar-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('pnpm train --dataset cifar10', () => {
  it('reads <cwd>/data by default, trains, and its best checkpoint evaluates with --predictions', async () => {
    writeCifar10(path.join(tmp, 'data'), 6, 2);
    const dir = path.join(tmp, 'run');
    const config = tinyConfig(dir, ['--dataset', 'cifar10', '--allow-partial-cifar', '--subset', '4', '--eval-subset', '6', '--epochs', '1', '--kind', 'cnn']);
    expect(config.dataDir).toBeNull();
    const { outcome, out } = await trainCaptured(config, undefined, tmp);
    expect(outcome.status).toBe('done');
    expect(out.lines.join('\n')).toMatch(/data: 4 train \/ 6 test images, 3x32x32, 10 classes/);
    const predictions = path.join(tmp, 'pred.csv');
    const lines: string[] = [];
    const r = await runEval({ checkpoint: path.join(dir, 'best.safetensors'), model: null, kind: null, dataset: 'cifar10', dataDir: null, allowPartialCifar: true, evalSubset: null, batchSize: 4, predictions, threads: 1, backend: null }, (l) => lines.push(l), tmp);
    expect(lines.join('\n')).toMatch(/model: resnet20 \(cnn\), inferred/);
    // best.safetensors was saved right after epoch 1's evaluation on the same 6 images
    expect(r.result.top1).toBe(outcome.status === 'done' ? outcome.bestAcc : NaN);
    const rows = fs.readFileSync(predictions, 'utf8').trimEnd().split('\n');
    expect(rows).toHaveLength(7);
    expect(rows.slice(1).map((l) => l.split(',')[0])).toEqual(['0', '1', '2', '3', '4', '5']);
  });

  it('refuses CIFAR files with fewer than the official 10,000 records unless --allow-partial-cifar is given', async () => {
    const root = path.join(tmp, 'cut');
    writeCifar10(path.join(root, 'data'), 6, 2);
    const config = tinyConfig(path.join(tmp, 'run-cut'), ['--dataset', 'cifar10', '--data-dir', path.join(root, 'data'), '--epochs', '1', '--kind', 'cnn']);
    expect(config.allowPartialCifar).toBe(false);
    await expect(trainCaptured(config, undefined, tmp)).rejects.toThrow(/data_batch_1\.bin: expected the official 10000 records, found 2 .*--allow-partial-cifar/);
  });
});
