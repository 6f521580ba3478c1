// A non-finite loss stops the run with a message naming the epoch, step and lr, and the last good checkpoint is untouched.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../src/checkpoint';
import { NonFiniteLossError } from '../src/trainer';
import { tinyConfig, trainCaptured } from './fixtures/train-harness';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'adder-nonfinite-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('pnpm train with an exploding lr', () => {
  it('stops with NonFiniteLossError naming epoch, step and lr, leaving the last good checkpoint byte for byte', async () => {
    const dir = path.join(tmp, 'run');
    // one step per epoch, so that epoch 1 ends (and checkpoints) before the loss can blow up
    const config = tinyConfig(dir, ['--subset', '4', '--eval-subset', '4', '--epochs', '4', '--lr', '1e30', '--schedule', 'constant', '--kind', 'cnn']);
    const last = path.join(dir, 'last.safetensors');
    let snapshot: Uint8Array | null = null;
    let snapshotStep = 0;
    let error: unknown = null;
    try {
      // shouldStop runs after each step and after each epoch's checkpoint: remember the checkpoint as it was then
      await trainCaptured(config, (step) => {
        if (fs.existsSync(last)) [snapshot, snapshotStep] = [new Uint8Array(fs.readFileSync(last)), step];
        return false;
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NonFiniteLossError);
    const msg = (error as Error).message;
    const m = /the loss became (NaN|-?Infinity) at epoch (\d+), step (\d+) \(lr ([^)]+)\)/.exec(msg);
    expect(m, msg).not.toBeNull();
    const [epoch, step, lr] = [Number(m![2]), Number(m![3]), Number(m![4])];
    expect(lr).toBe(1e30);
    // 4 images, batch 4: step s is the only step of epoch s
    expect(epoch).toBe(step);
    expect(step).toBeGreaterThanOrEqual(2);
    expect(snapshot).not.toBeNull();
    expect(snapshotStep).toBe(step - 1);
    const now = new Uint8Array(fs.readFileSync(last));
    expect(now.length).toBe(snapshot!.length);
    expect(now.every((b, i) => b === snapshot![i])).toBe(true);
    expect(loadCheckpoint(last).state).toMatchObject({ epoch: step - 1, step: step - 1 });
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
