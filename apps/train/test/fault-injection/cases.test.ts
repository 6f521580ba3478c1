// The fault-injection table of issue 19: every bad input or misplaced output gives one line naming the file or flag,
// the exit code of its class (see cli/exit-codes.ts), and leaves every file as it was.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/cli/exit-codes';
import { reportFailure } from '../../src/cli/errors';
import { type CommandName, fingerprint, runCommand } from './harness';
import { billionLaughsPth, nestedDictsPth, strideZeroPth } from '../../../../packages/io/test/hostile-files';
import { TINY_RUN, copyRun, metricsWithDamagedMiddle, overwriteBytes, poisonWeights, replaceLine, tamperRunState, truncateFile, under } from './generators';

const world = fs.mkdtempSync(path.join(os.tmpdir(), 'adder-faults-'));
const base = path.join(world, 'base');
afterAll(() => fs.rmSync(world, { recursive: true, force: true }));

beforeAll(async () => {
  const r = await runCommand('train', [...TINY_RUN, '--out', 'base'], world);
  expect(r.code, r.stderr.join('\n')).toBe(0);
}, 60_000);

/** One bad input: how to make it (returns the argv), and what the command must say and exit with. */
interface FaultCase {
  name: string;
  command: CommandName;
  make: (dir: string) => string[];
  env?: Record<string, string>;
  failure: keyof typeof EXIT_CODES;
  message: RegExp;
}

const PTH = path.resolve(__dirname, '../../../../fixtures/pth');

const CASES: FaultCase[] = [
  // ---- never overwrite what the user did not ask to overwrite ----
  { name: 'train --out an existing run folder', command: 'train', make: (d) => [...TINY_RUN, '--out', copyRun(base, path.join(d, 'run'))], failure: 'file', message: /--out \S+run is an existing run folder \(config\.json.*\); pass --resume \S+ to continue it, or --force/ },
  { name: 'train --out a folder that is not empty', command: 'train', make: (d) => (fs.writeFileSync(under(d, 'notes', 'a.txt'), 'mine'), [...TINY_RUN, '--out', path.join(d, 'notes')]), failure: 'file', message: /--out \S+notes is a folder that is not empty/ },
  { name: 'train --out an existing file (EEXIST)', command: 'train', make: (d) => (fs.writeFileSync(under(d, 'file'), 'x'), [...TINY_RUN, '--out', path.join(d, 'file')]), failure: 'filesystem', message: /--out \S+file is an existing file, not a folder \(EEXIST\)/ },
  { name: 'train --out under a file (ENOTDIR)', command: 'train', make: (d) => (fs.writeFileSync(under(d, 'file'), 'x'), [...TINY_RUN, '--out', path.join(d, 'file', 'run')]), failure: 'filesystem', message: /\S+file is a file, not a folder \(ENOTDIR\)/ },
  { name: 'train --force with --resume', command: 'train', make: (d) => ['--resume', copyRun(base, path.join(d, 'run')), '--force'], failure: 'usage', message: /--force starts a run over; it cannot be combined with --resume/ },
  { name: 'convert IN IN', command: 'convert', make: (d) => (fs.copyFileSync(path.join(PTH, 'basic_zip.pth'), under(d, 'same.pth')), [path.join(d, 'same.pth'), path.join(d, 'same.pth')]), failure: 'file', message: /OUT \S+same\.pth is the input file \S+same\.pth; writing it would destroy the source/ },
  { name: 'convert IN LINK-TO-IN (symbolic)', command: 'convert', make: (d) => (fs.copyFileSync(path.join(PTH, 'basic_zip.pth'), under(d, 'in.pth')), fs.symlinkSync(path.join(d, 'in.pth'), path.join(d, 'link.safetensors')), [path.join(d, 'in.pth'), path.join(d, 'link.safetensors')]), failure: 'file', message: /is the input file \S+in\.pth \(through a link\)/ },
  { name: 'convert IN LINK-TO-IN (hard)', command: 'convert', make: (d) => (fs.copyFileSync(path.join(PTH, 'basic_zip.pth'), under(d, 'in.pth')), fs.linkSync(path.join(d, 'in.pth'), path.join(d, 'hard.safetensors')), [path.join(d, 'in.pth'), path.join(d, 'hard.safetensors')]), failure: 'file', message: /is the input file \S+in\.pth \(through a link\)/ },
  { name: 'convert OUT is a folder', command: 'convert', make: (d) => (fs.mkdirSync(path.join(d, 'out'), { recursive: true }), [path.join(PTH, 'basic_zip.pth'), path.join(d, 'out')]), failure: 'file', message: /OUT \S+out is a folder; give a file name \(EISDIR\)/ },
  { name: 'convert a truncated zip', command: 'convert', make: (d) => [path.join(PTH, 'truncated_zip.pth'), path.join(d, 'x.safetensors')], failure: 'format', message: /truncated_zip\.pth: no end-of-central-directory record/ },
  { name: 'convert a missing input', command: 'convert', make: (d) => [path.join(d, 'nothing.pth'), path.join(d, 'x.safetensors')], failure: 'file', message: /IN \S+nothing\.pth: no such file/ },
  // ---- hostile checkpoints: the readers' resource limits, exit 5 ----
  { name: 'convert a billion-laughs .pth (shared dicts, a tensor at the leaf)', command: 'convert', make: (d) => (fs.writeFileSync(under(d, 'laughs.pth'), billionLaughsPth(20, 4, true)), [path.join(d, 'laughs.pth'), path.join(d, 'x.safetensors')]), failure: 'limit', message: /laughs\.pth.*limit/ },
  { name: 'eval 100,000 nested dicts', command: 'eval', make: (d) => (fs.writeFileSync(under(d, 'deep.pth'), nestedDictsPth(100_000)), ['--checkpoint', path.join(d, 'deep.pth'), '--dataset', 'synthetic']), failure: 'limit', message: /deep\.pth.*maxDepth/ },
  { name: 'convert a stride-0 tensor of 2^34 elements', command: 'convert', make: (d) => (fs.writeFileSync(under(d, 'wide.pth'), strideZeroPth(2 ** 34)), [path.join(d, 'wide.pth'), path.join(d, 'x.safetensors')]), failure: 'limit', message: /wide\.pth.*maxViewExpansion/ },
  // ---- validation ----
  { name: 'train --subset 0', command: 'train', make: (d) => [...TINY_RUN, '--subset', '0', '--out', path.join(d, 'r')], failure: 'usage', message: /--subset must be >= 1, got 0/ },
  { name: 'train --eval-subset 0', command: 'train', make: (d) => [...TINY_RUN, '--eval-subset', '0', '--out', path.join(d, 'r')], failure: 'usage', message: /--eval-subset must be >= 1, got 0/ },
  { name: 'eval --eval-subset 0', command: 'eval', make: () => ['--checkpoint', path.join(base, 'last.safetensors'), '--dataset', 'synthetic', '--eval-subset', '0'], failure: 'usage', message: /--eval-subset must be >= 1, got 0/ },
  { name: 'train --lr 0x10', command: 'train', make: (d) => [...TINY_RUN, '--lr', '0x10', '--out', path.join(d, 'r')], failure: 'usage', message: /--lr expects a decimal number, got '0x10'/ },
  { name: 'train on CIFAR that is not there (no run folder is left)', command: 'train', make: (d) => [...TINY_RUN, '--dataset', 'cifar10', '--data-dir', path.join(d, 'no-cifar'), '--out', path.join(d, 'r')], failure: 'file', message: /no-cifar: expected CIFAR-10 here.*Or pass --download/ },
  // ---- environment variables, like their flags ----
  { name: 'ADDER_THREADS=abc', command: 'train', env: { ADDER_THREADS: 'abc' }, make: (d) => [...TINY_RUN.filter((a, i, all) => a !== '--threads' && all[i - 1] !== '--threads'), '--out', path.join(d, 'r')], failure: 'usage', message: /environment variable ADDER_THREADS expects an integer thread count from 1 to 256, got "abc"/ },
  { name: 'ADDER_THREADS=1000', command: 'eval', env: { ADDER_THREADS: '1000' }, make: () => ['--checkpoint', path.join(base, 'last.safetensors'), '--dataset', 'synthetic'], failure: 'usage', message: /ADDER_THREADS expects an integer thread count from 1 to 256, got "1000"/ },
  { name: 'ADDER_BACKEND=gpu', command: 'train', env: { ADDER_BACKEND: 'gpu' }, make: (d) => [...TINY_RUN, '--out', path.join(d, 'r')], failure: 'usage', message: /environment variable ADDER_BACKEND expects one of js, simd, got "gpu"/ },
  { name: 'ADDER_THREDS (a misspelt variable)', command: 'eval', env: { ADDER_THREDS: '2' }, make: () => ['--checkpoint', path.join(base, 'last.safetensors'), '--dataset', 'synthetic'], failure: 'usage', message: /unknown environment variable ADDER_THREDS \(did you mean ADDER_THREADS\?\)/ },
  // ---- eval: damaged checkpoints, misplaced predictions ----
  { name: 'eval a truncated .safetensors', command: 'eval', make: (d) => { const f = under(d, 'cut.safetensors'); fs.copyFileSync(path.join(base, 'last.safetensors'), f); truncateFile(f, 4000); return ['--checkpoint', f, '--dataset', 'synthetic']; }, failure: 'format', message: /cut\.safetensors/ },
  { name: 'eval a .safetensors with a damaged header', command: 'eval', make: (d) => { const f = under(d, 'bad.safetensors'); fs.copyFileSync(path.join(base, 'last.safetensors'), f); overwriteBytes(f, 9, [0x7d, 0x7d, 0x22]); return ['--checkpoint', f, '--dataset', 'synthetic']; }, failure: 'format', message: /bad\.safetensors/ },
  { name: 'eval a missing checkpoint', command: 'eval', make: (d) => ['--checkpoint', path.join(d, 'none.safetensors'), '--dataset', 'synthetic'], failure: 'file', message: /none\.safetensors: no such file/ },
  { name: 'eval --predictions a folder (before the evaluation)', command: 'eval', make: (d) => (fs.mkdirSync(path.join(d, 'preds'), { recursive: true }), ['--checkpoint', path.join(base, 'last.safetensors'), '--dataset', 'synthetic', '--predictions', path.join(d, 'preds')]), failure: 'file', message: /--predictions \S+preds is a folder; give a file name \(EISDIR\)/ },
  { name: 'eval --predictions under a file', command: 'eval', make: (d) => (fs.writeFileSync(under(d, 'f'), 'x'), ['--checkpoint', path.join(base, 'last.safetensors'), '--dataset', 'synthetic', '--predictions', path.join(d, 'f', 'p.csv')]), failure: 'filesystem', message: /--predictions \S+p\.csv: \S+f is a file, not a folder \(ENOTDIR\)/ },
  // ---- --resume: the saved run state is schema-checked ----
  { name: "--resume with epochs: 'ten' in the checkpoint", command: 'train', make: (d) => { const r = copyRun(base, path.join(d, 'run')); tamperRunState(path.join(r, 'last.safetensors'), (s) => ((s['config'] as Record<string, unknown>)['epochs'] = 'ten')); return ['--resume', r]; }, failure: 'format', message: /last\.safetensors metadata 'adder\.train'\.config: 'epochs' must be an integer >= 1, found "ten"/ },
  { name: '--resume with a wrong-typed step in the checkpoint', command: 'train', make: (d) => { const r = copyRun(base, path.join(d, 'run')); tamperRunState(path.join(r, 'last.safetensors'), (s) => (s['step'] = '1')); return ['--resume', r]; }, failure: 'format', message: /'step' must be an integer >= 0, found "1"/ },
  { name: "--resume with epochs: 'ten' in config.json", command: 'train', make: (d) => { const r = copyRun(base, path.join(d, 'run')); const f = path.join(r, 'config.json'); fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace(/"epochs": 1/, '"epochs": "ten"')); return ['--resume', r]; }, failure: 'format', message: /config\.json: 'epochs' must be an integer >= 1, found "ten"/ },
  { name: '--resume with config.json that is not JSON', command: 'train', make: (d) => { const r = copyRun(base, path.join(d, 'run')); replaceLine(path.join(r, 'config.json'), 0, '{{'); return ['--resume', r]; }, failure: 'format', message: /config\.json is not valid JSON/ },
  { name: '--resume with a damaged middle line of metrics.jsonl', command: 'train', make: (d) => { const r = copyRun(base, path.join(d, 'run')); metricsWithDamagedMiddle(path.join(r, 'metrics.jsonl')); return ['--resume', r]; }, failure: 'format', message: /metrics\.jsonl: line 2 is not JSON/ },
  { name: '--resume with a truncated checkpoint', command: 'train', make: (d) => { const r = copyRun(base, path.join(d, 'run')); truncateFile(path.join(r, 'last.safetensors'), 100); return ['--resume', r]; }, failure: 'format', message: /last\.safetensors/ },
  { name: '--resume of a folder without a checkpoint', command: 'train', make: (d) => (fs.mkdirSync(path.join(d, 'empty'), { recursive: true }), ['--resume', path.join(d, 'empty')]), failure: 'file', message: /--resume: no checkpoint at \S+empty\/last\.safetensors/ },
  { name: '--resume with conflicting flags', command: 'train', make: (d) => ['--resume', copyRun(base, path.join(d, 'run')), '--lr', '0.5', '--batch-size', '8', '--epochs', '2'], failure: 'usage', message: /these flags disagree with it: --batch-size \(saved: 4\), --lr \(saved: 0\.2\)\. Only --epochs, --threads and --backend may change/ },
];

describe('fault injection: one line, the exit code of its class, no file changed', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const dir = fs.mkdtempSync(path.join(world, 'case-'));
    const argv = c.make(dir);
    const before = fingerprint(world);
    const r = await runCommand(c.command, argv, dir, c.env);
    expect(r.stderr.join('\n')).toMatch(c.message);
    expect(r.stderr).toHaveLength(1); // one line, no stack trace
    expect(r.stderr[0]!.startsWith(`${c.command}: `)).toBe(true);
    expect(r.code).toBe(EXIT_CODES[c.failure]);
    expect(r.stdout.join('\n')).not.toMatch(/evaluated in/); // refused before any evaluation
    expect(fingerprint(world)).toEqual(before);
  }, 30_000);
});

describe('the one error path', () => {
  it.each(['train', 'eval', 'convert'] as const)('%s --help documents the exit codes', async (command) => {
    const r = await runCommand(command, ['--help'], world);
    expect(r.code).toBe(0);
    const help = r.stdout.join('\n');
    for (const [name, code] of [['usage', 2], ['file', 3], ['format', 4], ['resource limit', 5], ['filesystem', 6]] as const) expect(help).toMatch(new RegExp(`\\n  ${code}\\s+${name}: `));
    expect(help).toMatch(/\n  70\s+a bug in adder/);
  });

  it('prints a bug with its stack and a line saying it is a bug, exit 70', () => {
    const lines: string[] = [];
    expect(reportFailure('train', new TypeError('x is undefined'), (l) => lines.push(l))).toBe(EXIT_CODES.bug);
    expect(lines[0]).toBe('train: internal error. This is a bug in adder; please report it with the trace below.');
    expect(lines[1]).toMatch(/^TypeError: x is undefined\n\s+at /);
  });

  it('a disk-full write wrapped by the safetensors writer is a filesystem failure naming the file', () => {
    const lines: string[] = [];
    const e = Object.assign(new Error("safetensors /r/last.safetensors: could not write: ENOSPC: no space left on device, write"), { name: 'SafetensorsError' });
    expect(reportFailure('train', e, (l) => lines.push(l))).toBe(EXIT_CODES.filesystem);
    expect(lines).toEqual(['train: safetensors /r/last.safetensors: could not write: ENOSPC: no space left on device, write']);
  });
});

describe('warnings and messages that tell the truth', () => {
  it('eval warns when the weights are not finite', async () => {
    const dir = fs.mkdtempSync(path.join(world, 'nan-'));
    const f = path.join(dir, 'nan.safetensors');
    fs.copyFileSync(path.join(base, 'last.safetensors'), f);
    poisonWeights(f, 'fc.weight');
    const r = await runCommand('eval', ['--checkpoint', f, '--dataset', 'synthetic', '--eval-subset', '4', '--threads', '1'], dir);
    expect(r.code, r.stderr.join('\n')).toBe(0);
    expect(r.stdout.join('\n')).toMatch(/warning: 1 tensor\(s\) of the checkpoint hold NaN or infinite values \(fc\.weight\)/);
    expect(r.stdout.join('\n')).toMatch(/warning: 4 of 4 images got NaN or infinite logits/);
  }, 30_000);

  it('a non-finite loss before the first checkpoint says that nothing was saved', async () => {
    const dir = fs.mkdtempSync(path.join(world, 'diverge-'));
    const r = await runCommand('train', ['--dataset', 'synthetic', '--kind', 'cnn', '--subset', '8', '--eval-subset', '4', '--batch-size', '4', '--epochs', '1', '--bn-recalib', '0', '--threads', '1', '--lr', '1e30', '--warmup-epochs', '0', '--out', 'r'], dir);
    expect(r.code).toBe(EXIT_CODES.diverged);
    expect(r.stderr).toHaveLength(1);
    expect(r.stderr[0]).toMatch(/the loss became (NaN|Infinity) at epoch 1, step 2 .*no checkpoint was written yet, so nothing was saved/);
    expect(fs.existsSync(path.join(dir, 'r', 'last.safetensors'))).toBe(false);
  }, 30_000);

  it('--force starts over in an existing run folder, replacing its run files', async () => {
    const dir = fs.mkdtempSync(path.join(world, 'force-'));
    const r0 = copyRun(base, path.join(dir, 'run'));
    fs.writeFileSync(path.join(r0, 'notes.txt'), 'mine');
    const r = await runCommand('train', [...TINY_RUN, '--out', r0, '--force', '--seed', '3'], dir);
    expect(r.code, r.stderr.join('\n')).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(r0, 'config.json'), 'utf8')).seed).toBe(3);
    expect(fs.readFileSync(path.join(r0, 'notes.txt'), 'utf8')).toBe('mine'); // not a run file: kept
    expect(fs.readFileSync(path.join(r0, 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1); // the old run's lines are gone
  }, 60_000);

  it('a failed data load leaves no run folder behind', async () => {
    const dir = fs.mkdtempSync(path.join(world, 'noload-'));
    const r = await runCommand('train', [...TINY_RUN, '--dataset', 'cifar10', '--data-dir', 'missing', '--out', 'r'], dir);
    expect(r.code).toBe(EXIT_CODES.file);
    expect(fs.existsSync(path.join(dir, 'r'))).toBe(false);
  });
});
