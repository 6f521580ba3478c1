// adder convert to .pth against PyTorch itself (tools/golden/torch_save_check.py, torch 1.13): a model trained here,
// written by `adder convert model.safetensors model.pth`, loads into the reference ResNet-20 with
// torch.load(weights_only=True) and load_state_dict(strict=True) and gives our logits; and a .pth that torch wrote,
// read by us and written again, is one that torch reads to identical tensors.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resnet } from '@adder/addernet';
import { fromNDArray, noGrad } from '@adder/autograd';
import { loadSafetensors, saveSafetensors } from '@adder/io';
import { SGD, crossEntropy } from '@adder/nn';
import { Generator, NDArray, randn } from '@adder/tensor';
import { saveCheckpoint } from '../src/checkpoint';
import { runConvertToPth } from '../src/convert-to-pth';
import { compareTensor } from '../src/parity/compare';
import { TOLERANCES } from '../src/parity/tolerances';

const PYTHON = '/usr/bin/python3';
const SCRIPT = resolve(fileURLToPath(new URL('../../../tools/golden/torch_save_check.py', import.meta.url)));
const hasTorch = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
if (!hasTorch) console.log(`convert-pth: skipped: ${PYTHON} cannot import torch`);

const MINUTES = 60_000;

/** Runs the generator's subcommand (asynchronously: torch's import is slow, and a blocked worker stalls vitest); returns stdout. */
async function torchCheck(args: string[]): Promise<string> {
  try {
    return (await promisify(execFile)(PYTHON, [SCRIPT, ...args], { encoding: 'utf8' })).stdout;
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    throw new Error(`torch_save_check.py ${args.join(' ')} exited with ${err.code}:\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
  }
}

/** Runs the converter as `adder convert IN OUT` does; returns what it logged, or throws with its messages when it fails. */
function convert(input: string, output: string): string {
  const errors: string[] = [];
  const logged: string[] = [];
  const code = runConvertToPth(input, output, '/', (l) => logged.push(l), (l) => errors.push(l));
  if (code !== 0) throw new Error(`convert ${input} ${output} exited with ${code}: ${errors.join('\n')}`);
  return logged.join('\n');
}

describe.skipIf(!hasTorch)('adder convert to .pth, read by PyTorch 1.13', () => {
  const dir = mkdtempSync(join(tmpdir(), 'convert-pth-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // AdderNet ResNet-20 after two SGD steps on a seeded random batch: weights, BN statistics and counters all moved
  const gen = new Generator(7);
  const model = resnet({ depth: 20, generator: gen });
  const optimizer = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  const input = randn([2, 3, 32, 32], { generator: gen });
  let ours: NDArray;
  let state: Record<string, NDArray>;
  beforeAll(() => {
    const images = fromNDArray(randn([2, 3, 32, 32], { generator: gen }));
    for (let step = 0; step < 2; step++) {
      const loss = crossEntropy(model.call(images), [4, 9]);
      model.zeroGrad();
      loss.backward();
      optimizer.step();
    }
    model.eval();
    ours = noGrad(() => model.call(fromNDArray(input))).data;
    state = model.stateDict();
  }, 5 * MINUTES);

  it('writes a training checkpoint that load_state_dict(strict=True) takes into the reference model, with our logits', async () => {
    const safetensors = join(dir, 'last.safetensors');
    const pth = join(dir, 'model.pth');
    // as adder train writes it: num_batches_tracked as I64, the momentum buffers under optim.
    saveCheckpoint(safetensors, model, optimizer, { epoch: 1, step: 2, bestAcc: 0, config: {}, schedule: { name: 'constant', lastEpoch: 1 }, rng: null });
    expect(convert(safetensors, pth)).toMatch(/left out the training checkpoint's \d+ optimiser tensors \(optim\.\*\)$/);
    saveSafetensors(join(dir, 'input.safetensors'), { input });
    await torchCheck(['logits', pth, join(dir, 'input.safetensors'), join(dir, 'logits.safetensors'), '20', 'adder']);
    const theirs = loadSafetensors(join(dir, 'logits.safetensors')).tensors['logits']!;
    const c = compareTensor('logits', ours, theirs, TOLERANCES.modelLogits);
    expect(c.pass, `max |ours - torch| = ${c.maxAbs} > ${c.bound}`).toBe(true);
    // and every tensor torch read is ours, bit for bit, with int64 counters
    await torchCheck(['read', pth, join(dir, 'read.safetensors')]);
    const read = loadSafetensors(join(dir, 'read.safetensors')).tensors;
    expect(Object.keys(read)).toEqual(Object.keys(state));
    for (const [k, v] of Object.entries(state)) expect(Array.from(read[k]!.toTyped()), k).toEqual(Array.from(v.toTyped()));
  }, 5 * MINUTES);

  it('.pth written by torch -> ours -> .pth: torch reads identical tensors (float32, float64, int32, int64, uint8, scalars, empty)', async () => {
    const src = join(dir, 'mixed.safetensors');
    saveSafetensors(src, {
      ...state,
      f64: NDArray.fromTyped(new Float64Array([Math.PI, -0, 1e-310, -Infinity]), [2, 2]),
      i32: NDArray.fromTyped(new Int32Array([-2147483648, 2147483647, 0]), [3]),
      i64: NDArray.fromTyped(new Int32Array([-5, 1 << 30]), [1, 2]),
      u8: NDArray.fromTyped(new Uint8Array([0, 7, 255]), [3]),
      scalar: NDArray.fromTyped(new Float32Array([2.5]), []),
      empty: NDArray.fromTyped(new Float32Array([]), [0, 4]),
    }, undefined, { int64Keys: (k) => k === 'i64' || k.endsWith('num_batches_tracked') });
    const torchWritten = join(dir, 'torch.pth');
    const ourCopy = join(dir, 'ours.pth');
    await torchCheck(['save', src, torchWritten]);
    convert(torchWritten, ourCopy);
    expect(await torchCheck(['same', torchWritten, ourCopy])).toMatch(/^same: \d+ tensors identical/);
  }, 5 * MINUTES);
});
