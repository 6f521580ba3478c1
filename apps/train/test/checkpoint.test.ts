// Training checkpoints: model tensors, optim.* tensors and run state split apart on load; damaged metadata is named.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { saveSafetensors } from '@adder/io';
import { fromArray } from '@adder/tensor';
import { CheckpointMetadataError, loadCheckpoint } from '../src/checkpoint';
import { CheckpointFileError, readCheckpointWeights } from '../src/eval/weights';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'adder-checkpoint-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('loadCheckpoint', () => {
  it('splits optim.* tensors from the model and parses the run state', () => {
    const file = path.join(tmp, 'ok.safetensors');
    const state = { epoch: 2, step: 9, bestAcc: 0.5, config: {}, schedule: { name: 'cosine', lastEpoch: 2 }, rng: null };
    const meta = { optimizer: 'SGD', paramGroups: [], scalars: {} };
    saveSafetensors(file, { 'fc.weight': fromArray([1, 2]), 'optim.state.0.momentum_buffer': fromArray([3, 4]) }, { 'adder.train': JSON.stringify(state), 'adder.optim': JSON.stringify(meta) });
    const c = loadCheckpoint(file);
    expect(Object.keys(c.model)).toEqual(['fc.weight']);
    expect(Object.keys(c.optim!.tensors)).toEqual(['state.0.momentum_buffer']);
    expect(c.optim!.meta).toEqual(meta);
    expect(c.state).toEqual(state);
  });

  it('names the file and the key when the run metadata is not JSON', () => {
    const file = path.join(tmp, 'bad.safetensors');
    saveSafetensors(file, { 'fc.weight': fromArray([1]) }, { 'adder.train': '{"epoch": 2,' });
    expect(() => loadCheckpoint(file)).toThrow(CheckpointMetadataError);
    expect(() => loadCheckpoint(file)).toThrow(/bad\.safetensors: metadata 'adder\.train' is not valid JSON/);
    // eval reports it as an unusable checkpoint file (exit 1 with the message, no stack trace)
    expect(() => readCheckpointWeights(file)).toThrow(CheckpointFileError);
  });
});

describe('pnpm train --resume with a damaged checkpoint', () => {
  it('exits 4 (format) with the reader\'s message naming the file, no stack trace', () => {
    const run = path.join(tmp, 'damaged-run');
    fs.mkdirSync(run);
    fs.writeFileSync(path.join(run, 'last.safetensors'), 'garbage');
    const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
    const r = spawnSync(path.resolve(appDir, '../../node_modules/.bin/tsx'), ['src/train.ts', '--resume', run], { cwd: appDir, encoding: 'utf8' });
    expect(r.status).toBe(4);
    expect(r.stderr).toMatch(/^train: safetensors .*damaged-run[/\\]last\.safetensors: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
