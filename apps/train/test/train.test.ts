// pnpm train end to end on the synthetic dataset: run folder, metrics, curves.svg, summary and loadable checkpoints.
import { getBackend } from '@adder/tensor';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../src/checkpoint';
import { buildModel } from '../src/models';
import type { MetricLine } from '../src/run-folder';
import type { TrainOutcome } from '../src/trainer';
import { type Captured, allElements, parseXml, tinyConfig, trainCaptured } from './fixtures/train-harness';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'adder-train-'));
const dir = path.join(tmp, 'run');
let outcome: TrainOutcome;
let out: Captured;

beforeAll(async () => {
  ({ outcome, out } = await trainCaptured(tinyConfig(dir, ['--lr', '0.1', '--schedule', 'cosine'])));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const readMetrics = (): MetricLine[] =>
  fs
    .readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as MetricLine);

describe('pnpm train on the synthetic dataset', () => {
  it('finishes and fills the run folder named by --out', () => {
    expect(outcome.status).toBe('done');
    expect(outcome.dir).toBe(dir);
    for (const f of ['config.json', 'metrics.jsonl', 'last.safetensors', 'best.safetensors', 'curves.svg', 'summary.md']) expect(fs.existsSync(path.join(dir, f)), f).toBe(true);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config).toMatchObject({ dataset: 'synthetic', model: 'resnet20', kind: 'adder', epochs: 2, batchSize: 4, subset: 8, backend: getBackend() });
    const summary = fs.readFileSync(path.join(dir, 'summary.md'), 'utf8');
    expect(summary).toMatch(/best test accuracy: \d+\.\d\d%/);
    expect(summary.split('\n').filter((l) => /^\| \d+ \|/.test(l))).toHaveLength(2);
  });

  it('prints the configuration, the model summary, the data sizes, one line per epoch and plain progress lines', () => {
    const log = out.lines.join('\n');
    expect(log).toMatch(/config: epochs 2, batch 4, lr 0\.1/);
    expect(log).toMatch(new RegExp(`config: .*, threads \\d+, backend ${getBackend()}$`, 'm'));
    expect(log).toMatch(/model: [\d,]+ parameters; per image .* multiplications, .* additions/);
    expect(log).toMatch(/data: 8 train \/ 8 test images, 3x32x32, 4 classes/);
    expect(out.lines.filter((l) => /^epoch \d\/2 {2}train loss [\d.]+ acc [\d.]+% {2}test loss [\d.]+ acc [\d.]+% {2}[\d.]+s {2}data [\d.]+%$/.test(l))).toHaveLength(2);
    const progress = out.stdout.join('');
    expect(progress).toMatch(/epoch 1\/2 2\/2 \| [\d.]+ img\/s \| eta \d+:\d\d \| loss [\d.]+ \| acc [\d.]+% \| lr /);
    // not a terminal: no control characters at all
    expect(/[\u0000-\u0009\u000b-\u001f\u007f]/.test(progress)).toBe(false);
  });

  it('writes metrics.jsonl as JSON lines: one epoch line per epoch with finite values', () => {
    const lines = readMetrics();
    const epochs = lines.filter((m): m is Extract<MetricLine, { type: 'epoch' }> => m.type === 'epoch');
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(epochs.map((e) => e.step)).toEqual([2, 4]);
    for (const e of epochs) {
      for (const k of ['lr', 'trainLoss', 'trainAcc', 'testLoss', 'testAcc', 'testTop5', 'seconds', 'loadShare', 'imagesPerSec'] as const) expect(Number.isFinite(e[k]), `${k} of epoch ${e.epoch}`).toBe(true);
      expect(e.trainAcc).toBeGreaterThanOrEqual(0);
      expect(e.trainAcc).toBeLessThanOrEqual(1);
    }
    // cosine over T = 2 epochs: lr_e = 0.05*(1 + cos(pi*e/2))
    expect(epochs[0]!.lr).toBeCloseTo(0.05, 12);
    expect(epochs[1]!.lr).toBeCloseTo(0, 12);
  });

  it('draws curves.svg as well-formed XML: one polyline per series with one point per epoch, labelled axes, a legend', () => {
    const svg = parseXml(fs.readFileSync(path.join(dir, 'curves.svg'), 'utf8'));
    expect(svg.name).toBe('svg');
    const els = allElements(svg);
    const polylines = els.filter((e) => e.name === 'polyline');
    // two panels (loss, accuracy), each with a train and a test series
    expect(polylines.map((p) => p.attrs['data-series'])).toEqual(['train', 'test', 'train', 'test']);
    for (const p of polylines) {
      const pts = p.attrs['points']!.trim().split(/\s+/);
      expect(pts).toHaveLength(2);
      for (const pt of pts) expect(pt).toMatch(/^-?\d+(\.\d+)?,-?\d+(\.\d+)?$/);
    }
    const texts = els.filter((e) => e.name === 'text');
    expect(texts.filter((t) => t.attrs['class'] === 'x-label').map((t) => t.text)).toEqual(['epoch', 'epoch']);
    expect(texts.filter((t) => t.attrs['class'] === 'y-label').map((t) => t.text)).toEqual(['cross-entropy', 'top-1 accuracy (%)']);
    expect(els.filter((e) => e.attrs['class'] === 'legend')).toHaveLength(4);
  });

  it('saves checkpoints that load into a fresh model (bare names; optimiser under optim.; run state in the metadata)', () => {
    const last = loadCheckpoint(path.join(dir, 'last.safetensors'));
    expect(last.state).toMatchObject({ epoch: 2, step: 4 });
    expect(last.optim).not.toBeNull();
    expect(Object.keys(last.model).some((k) => k.startsWith('optim.'))).toBe(false);
    const model = buildModel({ model: 'resnet20', kind: 'adder', numClasses: 4, inChannels: 3 });
    expect(Object.keys(last.model).sort()).toEqual(Object.keys(model.stateDict()).sort());
    model.loadStateDict(last.model);
    expect(last.model['bn1.num_batches_tracked']!.item()).toBeGreaterThan(0);
    const best = loadCheckpoint(path.join(dir, 'best.safetensors'));
    expect(best.optim).toBeNull();
    buildModel({ model: 'resnet20', kind: 'adder', numClasses: 4, inChannels: 3 }).loadStateDict(best.model);
  });
});
