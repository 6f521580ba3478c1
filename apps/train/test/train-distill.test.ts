// pnpm train --teacher: a CNN twin's checkpoint distils into the AdderNet student (loss = (1-a) CE + a T^2 KL),
// and the run is exactly the plain run when alpha = 0; --label-smoothing changes the run; a bad teacher is refused.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCheckpointWeights } from '../src/eval/weights';
import { tinyConfig, trainCaptured } from './fixtures/train-harness';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'adder-distill-'));
const teacherDir = path.join(tmp, 'cnn');
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

beforeAll(async () => {
  await trainCaptured(tinyConfig(teacherDir, ['--kind', 'cnn', '--epochs', '1']));
});

const weightsOf = (dir: string): Float32Array => {
  const t = readCheckpointWeights(path.join(dir, 'last.safetensors')).tensors['fc.weight']!;
  return Float32Array.from(t.toTyped());
};

describe('pnpm train --teacher', () => {
  it('trains an adder student from the CNN twin, logs the loss, and alpha 0 is exactly the plain run', async () => {
    const teacher = path.join(teacherDir, 'best.safetensors');
    const distilled = await trainCaptured(tinyConfig(path.join(tmp, 'student'), ['--epochs', '1', '--teacher', teacher, '--distill-alpha', '0.8', '--distill-temperature', '3']));
    expect(distilled.outcome.status).toBe('done');
    const zero = await trainCaptured(tinyConfig(path.join(tmp, 'alpha0'), ['--epochs', '1', '--teacher', teacher, '--distill-alpha', '0']));
    const plain = await trainCaptured(tinyConfig(path.join(tmp, 'plain'), ['--epochs', '1']));
    expect(zero.outcome.status).toBe('done');
    expect(weightsOf(path.join(tmp, 'alpha0'))).toEqual(weightsOf(path.join(tmp, 'plain')));
    expect(weightsOf(path.join(tmp, 'student'))).not.toEqual(weightsOf(path.join(tmp, 'plain')));
    const config = JSON.parse(fs.readFileSync(path.join(tmp, 'student', 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config).toMatchObject({ teacher, distillAlpha: 0.8, distillTemperature: 3 });
    expect(plain.outcome.status).toBe('done');
  });

  it('--label-smoothing changes the trajectory', async () => {
    await trainCaptured(tinyConfig(path.join(tmp, 'smooth'), ['--epochs', '1', '--label-smoothing', '0.1']));
    await trainCaptured(tinyConfig(path.join(tmp, 'plain2'), ['--epochs', '1', '--label-smoothing', '0']));
    expect(weightsOf(path.join(tmp, 'smooth'))).not.toEqual(weightsOf(path.join(tmp, 'plain2')));
  });

  it('refuses a teacher that does not fit the data, naming the file', async () => {
    await expect(trainCaptured(tinyConfig(path.join(tmp, 'bad'), ['--epochs', '1', '--teacher', path.join(tmp, 'missing.safetensors')]))).rejects.toThrow(/missing\.safetensors/);
  });
});
