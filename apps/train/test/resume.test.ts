// --resume is exact: a run stopped mid-epoch and after an epoch, then resumed, matches an uninterrupted run bit for bit
// (every metric except wall-clock timings, the final weights and the optimiser state).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NDArray } from '@adder/tensor';
import { loadCheckpoint } from '../src/checkpoint';
import { resolveTrainConfig } from '../src/config';
import { type MetricLine, TIMING_FIELDS } from '../src/run-folder';
import type { TrainOutcome } from '../src/trainer';
import { tinyConfig, trainCaptured } from './fixtures/train-harness';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'adder-resume-'));
const straight = path.join(tmp, 'straight');
const stopped = path.join(tmp, 'stopped');
const outcomes: TrainOutcome[] = [];
const logs: string[][] = [];

/**
 * Stops after global step `step`. The trainer asks shouldStop once after every step and once more after an epoch's
 * evaluation and checkpoint; `afterEpoch` picks that second call (a stop between epochs), otherwise the first.
 */
function stopAt(step: number, afterEpoch = false): (s: number) => boolean {
  let calls = 0;
  return (s) => s === step && ++calls === (afterEpoch ? 2 : 1);
}

beforeAll(async () => {
  await trainCaptured(tinyConfig(straight));
  // 2 steps per epoch, 2 epochs: stop mid-epoch 1, between epochs 1 and 2, mid-epoch 2, then finish
  const resume = resolveTrainConfig(['--resume', stopped, '--threads', '1']).config;
  const chain: [ReturnType<typeof tinyConfig>, ((s: number) => boolean) | undefined][] = [
    [tinyConfig(stopped), stopAt(1)],
    [resume, stopAt(2, true)],
    [resume, stopAt(3)],
    [resume, undefined],
  ];
  for (const [config, stop] of chain) {
    const { outcome, out } = await trainCaptured(config, stop);
    outcomes.push(outcome);
    logs.push(out.lines);
  }
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function metricsWithoutTimings(dir: string): Record<string, unknown>[] {
  return fs
    .readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const m = JSON.parse(l) as MetricLine & Record<string, unknown>;
      const rest: Record<string, unknown> = { ...m };
      for (const f of TIMING_FIELDS) delete rest[f];
      return rest;
    });
}

function bytesOf(a: NDArray): Uint8Array {
  const t = a.contiguous().data;
  return new Uint8Array(t.buffer, t.byteOffset, t.byteLength);
}

function sameBytes(x: Uint8Array, y: Uint8Array): boolean {
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

function expectSameTensors(a: Record<string, NDArray>, b: Record<string, NDArray>, what: string): void {
  expect(Object.keys(b).sort(), what).toEqual(Object.keys(a).sort());
  for (const k of Object.keys(a)) {
    expect(b[k]!.dtype, `${what} ${k}`).toBe(a[k]!.dtype);
    expect([...b[k]!.shape], `${what} ${k}`).toEqual([...a[k]!.shape]);
    expect(sameBytes(bytesOf(b[k]!), bytesOf(a[k]!)), `${what} ${k} differs`).toBe(true);
  }
}

describe('pnpm train --resume', () => {
  it('stops where asked, prints the resume command each time, and finishes', () => {
    expect(outcomes.map((o) => o.status)).toEqual(['interrupted', 'interrupted', 'interrupted', 'done']);
    for (const o of outcomes.slice(0, 3)) expect(o.status === 'interrupted' && o.resumeCommand).toBe(`pnpm train --resume ${path.join(stopped, 'last.safetensors')}`);
    expect(logs[1]!.join('\n')).toMatch(/Resuming .* at epoch 1, step 1\./);
    expect(logs[2]!.join('\n')).toMatch(/Resuming .* at epoch 2, step 2\./);
    expect(logs[3]!.join('\n')).toMatch(/Resuming .* at epoch 2, step 3\./);
  });

  it('gives bit-identical metrics (all but the timing fields) to an uninterrupted run', () => {
    const a = metricsWithoutTimings(straight);
    const b = metricsWithoutTimings(stopped);
    expect(a.filter((m) => m['type'] === 'epoch')).toHaveLength(2);
    expect(b).toEqual(a);
  });

  it('ends with identical weights, BN statistics, optimiser state and best checkpoint', () => {
    const a = loadCheckpoint(path.join(straight, 'last.safetensors'));
    const b = loadCheckpoint(path.join(stopped, 'last.safetensors'));
    expectSameTensors(a.model, b.model, 'model');
    expectSameTensors(a.optim!.tensors, b.optim!.tensors, 'optimiser');
    expect(b.optim!.meta).toEqual(a.optim!.meta);
    expect({ epoch: b.state!.epoch, step: b.state!.step, bestAcc: b.state!.bestAcc }).toEqual({ epoch: a.state!.epoch, step: a.state!.step, bestAcc: a.state!.bestAcc });
    expectSameTensors(loadCheckpoint(path.join(straight, 'best.safetensors')).model, loadCheckpoint(path.join(stopped, 'best.safetensors')).model, 'best');
  });
});
