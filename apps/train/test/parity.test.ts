// Parity with PyTorch over the committed golden fixtures, and proof that the harness can fail.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSafetensors, saveSafetensors } from '@adder/io';
import { NDArray } from '@adder/tensor';
import { compareTensor } from '../src/parity/compare';
import { numberListOption } from '../src/parity/fixture-io';
import { CHECKPOINT_DIR } from '../src/parity/handlers/checkpoint';
import { OP_HANDLERS } from '../src/parity/registry';
import { listFixtures, runFixture } from '../src/parity/run';
import { TOLERANCES } from '../src/parity/tolerances';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../../..');
const FIXTURES = join(ROOT, 'fixtures/parity');
const fixtures = listFixtures(FIXTURES);
const tmp = mkdtempSync(join(tmpdir(), 'parity-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('parity with PyTorch (committed fixtures)', () => {
  it('covers every op of the convention and the model fixtures', () => {
    const kinds = new Set(fixtures.map((p) => {
      const m = loadSafetensors(p).metadata;
      return m.kind === 'op' ? `op:${m.op}` : `${m.kind}:${m.mode}`;
    }));
    for (const k of ['op:conv2d', 'op:batch_norm2d', 'op:cross_entropy', 'op:sgd', 'op:adder2d', 'model:train', 'model:eval']) {
      expect(kinds).toContain(k);
    }
    // every registered op handler has at least one fixture
    for (const op of Object.keys(OP_HANDLERS)) expect(kinds).toContain(`op:${op}`);
  });

  it.each(fixtures.map((p) => [basename(p), p]))('%s passes', (_name, path) => {
    const r = runFixture(path);
    const failed = r.comparisons.filter((c) => !c.pass).map((c) => `${c.name}: abs ${c.maxAbs} > ${c.bound} ${c.problem ?? ''}`);
    expect({ error: r.error, failed }).toEqual({ error: undefined, failed: [] });
    expect(r.comparisons.length).toBeGreaterThan(0);
    expect(r.pass).toBe(true);
  });
});

describe.skipIf(!existsSync(join(CHECKPOINT_DIR, 'ResNet20-AdderNet.pth')))('parity on the official checkpoint', () => {
  it('resnet20_logits: eval logits within 1e-3 * max|logit| of PyTorch float64, same argmax', () => {
    const r = runFixture(join(ROOT, 'fixtures/official/resnet20_logits.safetensors'));
    expect(r.error).toBeUndefined();
    expect(r.comparisons.map((c) => [c.name, c.pass])).toEqual([['logits', true], ['argmax', true]]);
  });
});

/** A copy of a committed fixture with some tensors or metadata changed, written to the temp folder. */
function variant(source: string, name: string, edit: (t: Record<string, NDArray>, m: Record<string, string>) => void): string {
  const { tensors, metadata } = loadSafetensors(join(FIXTURES, source));
  edit(tensors, metadata);
  const path = join(tmp, `${name}.safetensors`);
  saveSafetensors(path, tensors, metadata, { int64Keys: (k) => k === 'target' || k.endsWith('num_batches_tracked') });
  return path;
}

describe('the harness fails what it should', () => {
  const conv = 'conv2d-k3-s1-p1-bias.safetensors';

  it('a perturbed expected value fails, naming the tensor and its error', () => {
    const path = variant(conv, 'perturbed', (t) => {
      const out = t['expected.out']!.clone();
      const d = out.data as Float32Array;
      const maxAbs = d.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
      d[3] = d[3]! + 1e-3 * maxAbs; // 50x the conv2d rtol
      t['expected.out'] = out;
    });
    const r = runFixture(path);
    expect(r.pass).toBe(false);
    const bad = r.comparisons.filter((c) => !c.pass).map((c) => c.name);
    expect(bad).toEqual(['out']);
    expect(r.comparisons.find((c) => c.name === 'out')!.maxRel).toBeCloseTo(1e-3, 6);
  });

  it('an expected tensor of the wrong shape fails', () => {
    const r = runFixture(variant(conv, 'shape', (t) => {
      t['expected.grad_bias'] = NDArray.fromTyped(new Float32Array(5), [5]);
    }));
    expect(r.pass).toBe(false);
    expect(r.comparisons.find((c) => c.name === 'grad_bias')!.problem).toMatch(/shape \[4\] but expected \[5\]/);
  });

  it('an unknown kind, an unknown op and a missing kind fail with a clear message', () => {
    const kind = runFixture(variant(conv, 'kind', (_t, m) => (m.kind = 'mystery')));
    expect(kind.pass).toBe(false);
    expect(kind.error).toMatch(/kind: unknown kind 'mystery' \(known kinds: op, model, checkpoint\)/);
    const op = runFixture(variant(conv, 'op', (_t, m) => (m.op = 'conv3d')));
    expect(op.pass).toBe(false);
    expect(op.error).toMatch(/unknown op 'conv3d' \(known ops: conv2d, batch_norm2d, cross_entropy, distillation, sgd, adder2d, layer_norm, group_norm, avg_pool2d, adaptive_avg_pool2d, adaptive_max_pool2d, l1_loss, mse_loss, smooth_l1_loss, binary_cross_entropy_with_logits\)/);
    const none = runFixture(variant(conv, 'none', (_t, m) => delete m.kind));
    expect(none.error).toMatch(/no 'kind' in __metadata__/);
    const model = runFixture(variant('model-resnet20-eval.safetensors', 'model', (_t, m) => (m.model = 'vgg16')));
    expect(model.error).toMatch(/unknown model 'vgg16'/);
  });

  it('an expected tensor that no handler checks fails instead of passing silently', () => {
    const r = runFixture(variant(conv, 'unchecked', (t) => {
      t['expected.mystery'] = NDArray.fromTyped(new Float32Array([1]), [1]);
    }));
    expect(r.pass).toBe(false);
    expect(r.error).toMatch(/did not check 1 expected tensor\(s\): expected\.mystery/);
  });

  it('a missing input, a bad option and an unreadable file fail with the fixture named', () => {
    const missing = runFixture(variant(conv, 'missing', (t) => delete t.grad_out));
    expect(missing.error).toMatch(/missing: missing tensor 'grad_out'/);
    const opt = runFixture(variant('sgd-dampening.safetensors', 'badopt', (_t, m) => (m.lr = '0.1,0.2')));
    expect(opt.error).toMatch(/option lr lists 2 values for 5 steps/);
    const junk = join(tmp, 'junk.safetensors');
    writeFileSync(junk, 'not a safetensors file at all');
    const r = runFixture(junk);
    expect(r.pass).toBe(false);
    expect(r.error).toMatch(/junk\.safetensors: header length \d+ is longer than the file/);
  });

  it('a model whose state differs fails on the state it reaches', () => {
    const r = runFixture(variant('model-resnet20-eval.safetensors', 'model-state', (t) => {
      const rm = t['state.bn2.running_mean']!.clone();
      (rm.data as Float32Array)[0] += 0.5;
      t['state.bn2.running_mean'] = rm;
    }));
    expect(r.pass).toBe(false);
    expect(r.comparisons.find((c) => c.name === 'logits')!.pass).toBe(false);
  });
});

describe('compareTensor', () => {
  const f = (v: number[]): NDArray => NDArray.fromTyped(new Float32Array(v), [v.length]);
  const tol = { atol: 0, rtol: 1e-3, why: 'test' };

  it('reports max abs and normwise relative error and holds them to atol + rtol*max|expected|', () => {
    const c = compareTensor('t', f([1, 2, 4.002]), f([1, 2, 4]), tol);
    expect(c.maxAbs).toBeCloseTo(0.002, 6);
    expect(c.maxRel).toBeCloseTo(0.0005, 6);
    expect(c.bound).toBeCloseTo(0.004, 9);
    expect(c.pass).toBe(true);
    expect(compareTensor('t', f([1, 2, 4.01]), f([1, 2, 4]), tol).pass).toBe(false);
  });

  it('fails NaN, and requires integer tensors to match exactly', () => {
    expect(compareTensor('t', f([NaN]), f([1]), tol).pass).toBe(false);
    const i = (v: number[]): NDArray => NDArray.fromTyped(new Int32Array(v), [v.length]);
    expect(compareTensor('n', i([3]), i([3]), TOLERANCES.modelState).pass).toBe(true);
    expect(compareTensor('n', i([4]), i([3]), TOLERANCES.modelState).pass).toBe(false);
  });
});

describe('fixture options', () => {
  it('numberListOption takes one value for every step or one per step, and refuses empty or non-numeric items', () => {
    const fx = { name: 'fx', path: '', tensors: {}, metadata: { lr: '0.5', lrs: '0.1,0.2,0.3', gap: '0.1,,0.2', word: '0.1,a,0.2' } };
    expect(numberListOption(fx, 'lr', 3)).toEqual([0.5, 0.5, 0.5]);
    expect(numberListOption(fx, 'lrs', 3)).toEqual([0.1, 0.2, 0.3]);
    expect(numberListOption(fx, 'none', 2, 7)).toEqual([7, 7]);
    expect(() => numberListOption(fx, 'gap', 3)).toThrow(/^fx: option gap='0\.1,,0\.2' is not a number list/);
    expect(() => numberListOption(fx, 'word', 3)).toThrow(/^fx: option word='0\.1,a,0\.2' is not a number list/);
    expect(() => numberListOption(fx, 'lrs', 2)).toThrow(/^fx: option lrs lists 3 values for 2 steps/);
  });
});

describe('pnpm parity (the command)', () => {
  const tsx = join(ROOT, 'node_modules/.bin/tsx');
  const script = join(ROOT, 'apps/train/src/parity.ts');

  it('resolves DIR against INIT_CWD, prints one line per fixture and a summary, and exits 1 on a failure', () => {
    const dir = join(tmp, 'cli');
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(FIXTURES, 'sgd-dampening.safetensors'), join(dir, 'sgd-dampening.safetensors'));
    copyFileSync(join(FIXTURES, 'cross_entropy-plain.safetensors'), join(dir, 'cross_entropy-plain.safetensors'));
    const ok = spawnSync(tsx, [script, 'cli'], { cwd: join(ROOT, 'apps/train'), env: { ...process.env, INIT_CWD: tmp }, encoding: 'utf8' });
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    const lines = ok.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^parity: backend (js|simd)$/);
    expect(lines[1]).toMatch(/^cross_entropy-plain\s+PASS\s+loss abs \S+ rel \S+ \| grad_logits abs/);
    expect(lines[2]).toMatch(/^sgd-dampening\s+PASS\s+param abs/);
    expect(lines[3]).toMatch(/^2 fixtures: 2 passed, 0 failed/);

    writeFileSync(join(dir, 'zz-broken.safetensors'), 'garbage');
    const bad = spawnSync(tsx, [script, 'cli'], { cwd: join(ROOT, 'apps/train'), env: { ...process.env, INIT_CWD: tmp }, encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/zz-broken\s+FAIL\s+ERROR/);
    expect(bad.stdout).toMatch(/3 fixtures: 2 passed, 1 failed[^\n]*\nfailed: zz-broken/);
  });

  it('--backend picks the kernels (both pass) and a bad value is a one-line usage error naming the flag', () => {
    const dir = join(tmp, 'backend');
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(FIXTURES, 'cross_entropy-plain.safetensors'), join(dir, 'cross_entropy-plain.safetensors'));
    for (const backend of ['js', 'simd']) {
      const r = spawnSync(tsx, [script, 'backend', '--backend', backend], { cwd: join(ROOT, 'apps/train'), env: { ...process.env, INIT_CWD: tmp }, encoding: 'utf8' });
      expect(r.status).toBe(0);
      expect(r.stdout.split('\n')[0]).toBe(`parity: backend ${backend}`);
      expect(r.stdout).toMatch(/1 fixtures: 1 passed, 0 failed/);
    }
    const bad = spawnSync(tsx, [script, 'backend', '--backend=gpu'], { cwd: join(ROOT, 'apps/train'), env: { ...process.env, INIT_CWD: tmp }, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim()).toBe("parity: --backend expects one of js, simd, got 'gpu'");
  });
});
