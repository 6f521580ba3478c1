// Command-line flags of pnpm train and pnpm eval: clear errors with suggestions, --help with every flag and its
// default, the paper recipe and flags overriding it.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UsageError, helpText } from '../src/cli/flags';
import { TRAIN_FLAGS, lrSchedule, resolveTrainConfig, type TrainConfig } from '../src/config';

/** The lr of the run's step t (from 0) with stepsPerEpoch steps per epoch, from a fresh schedule on a stand-in optimiser. */
function lrOfStep(c: TrainConfig, t: number, stepsPerEpoch: number): number {
  const optimizer = { paramGroups: [{ lr: 123 }] }; // a stale lr, as after a resumed optimiser state: the schedule's base is --lr
  const schedule = lrSchedule(c, optimizer, stepsPerEpoch);
  schedule.step(t);
  return optimizer.paramGroups[0]!.lr;
}
/** The lr of a whole epoch (epochs from 1) of a per-epoch schedule without warmup. */
const epochLr = (c: TrainConfig, epoch: number): number => lrOfStep({ ...c, warmupEpochs: 0 }, 7 * (epoch - 1) + 3, 7);
/** The lr of step stepInEpoch (from 0) of an epoch (from 1). */
const stepLr = (c: TrainConfig, epoch: number, stepInEpoch: number, stepsPerEpoch: number): number => lrOfStep(c, (epoch - 1) * stepsPerEpoch + stepInEpoch, stepsPerEpoch);
import { formatSeedSummary, meanStd } from '../src/seed-summary';
import { EVAL_FLAGS, resolveEvalConfig } from '../src/eval/config';
import { getBackend } from '@adder/tensor';

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const train = (...argv: string[]) => resolveTrainConfig(argv).config;
const trainError = (...argv: string[]): string => {
  try {
    resolveTrainConfig(argv);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error(`no error for ${argv.join(' ')}`);
};
const evalError = (...argv: string[]): string => {
  try {
    resolveEvalConfig(argv);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error(`no error for ${argv.join(' ')}`);
};

/** The flags the issue asks pnpm train to have. */
const ISSUE_TRAIN_FLAGS = ['recipe', 'model', 'kind', 'eta', 'dataset', 'data-dir', 'download', 'subset', 'eval-subset', 'epochs', 'batch-size', 'lr', 'momentum', 'weight-decay', 'nesterov', 'schedule', 'warmup-epochs', 'seed', 'threads', 'out', 'resume', 'eval-every'];

describe('pnpm train flags', () => {
  it('rejects an unknown flag, suggesting the closest', () => {
    expect(trainError('--epoch', '3')).toMatch(/^train: unknown flag --epoch \(did you mean --epochs\?\)/);
    expect(trainError('--learning-rate', '0.1')).toMatch(/unknown flag --learning-rate\. See --help\./);
    expect(trainError('--batchsize', '8')).toMatch(/did you mean --batch-size\?/);
  });

  it('--backend takes js or simd, defaults to the active backend, and refuses anything else by name', () => {
    expect(resolveTrainConfig(['--backend', 'js']).config.backend).toBe('js');
    expect(resolveTrainConfig(['--backend', 'simd']).config.backend).toBe('simd');
    expect(resolveTrainConfig([]).config.backend).toBe(getBackend());
    expect(() => resolveTrainConfig(['--backend', 'gpu'])).toThrow(/--backend/);
    expect(resolveEvalConfig(['--checkpoint', 'x', '--dataset', 'sample', '--backend', 'js']).config.backend).toBe('js');
    expect(resolveEvalConfig(['--checkpoint', 'x', '--dataset', 'sample']).config.backend).toBeNull();
  });

  it('rejects a bad choice, suggesting the closest', () => {
    expect(trainError('--model', 'resnet21')).toBe("train: --model must be one of resnet20|resnet32|resnet56|resnet50, got 'resnet21' (did you mean 'resnet20'?)");
    expect(trainError('--dataset', 'cifar-10')).toMatch(/got 'cifar-10' \(did you mean 'cifar10'\?\)/);
    expect(trainError('--schedule', 'linear')).toMatch(/--schedule must be one of cosine\|cosine-steps\|step\|constant, got 'linear'/);
  });

  it('rejects non-numeric, non-integer, out-of-range and missing values', () => {
    expect(trainError('--lr', 'fast')).toBe("train: --lr expects a decimal number, got 'fast'");
    expect(trainError('--epochs', '2.5')).toBe("train: --epochs expects an integer, got '2.5'");
    expect(trainError('--batch-size', '0')).toBe('train: --batch-size must be >= 1, got 0');
    expect(trainError('--momentum', '1.5')).toBe('train: --momentum must be <= 1, got 1.5');
    expect(trainError('--eta', '')).toMatch(/--eta expects a decimal number/);
    expect(trainError('--lr')).toMatch(/^train: .*--lr/);
    expect(trainError('cifar10')).toMatch(/unexpected argument 'cifar10'/);
    expect(trainError('--nesterov', '--momentum', '0')).toMatch(/--nesterov requires --momentum > 0/);
  });

  it('--help lists every flag of the issue with its default, and the defaults are the values used', () => {
    const help = helpText('train', 'summary', TRAIN_FLAGS);
    const defaults = train();
    for (const name of ISSUE_TRAIN_FLAGS) {
      const line = help.split('\n').find((l) => l.startsWith(`  --${name} `));
      expect(line, name).toBeDefined();
      expect(line, name).toMatch(/\(default: [^)]+\)$/);
    }
    const shown = (name: string): string => /\(default: ([^)]+)\)$/.exec(help.split('\n').find((l) => l.startsWith(`  --${name} `))!)![1]!;
    expect(Number(shown('epochs'))).toBe(defaults.epochs);
    expect(Number(shown('batch-size'))).toBe(defaults.batchSize);
    expect(Number(shown('lr'))).toBe(defaults.lr);
    expect(Number(shown('momentum'))).toBe(defaults.momentum);
    expect(Number(shown('weight-decay'))).toBe(defaults.weightDecay);
    expect(Number(shown('eta'))).toBe(defaults.eta);
    expect(Number(shown('warmup-epochs'))).toBe(defaults.warmupEpochs);
    expect(Number(shown('seed'))).toBe(defaults.seed);
    expect(Number(shown('eval-every'))).toBe(defaults.evalEvery);
    expect([shown('model'), shown('kind'), shown('dataset'), shown('schedule')]).toEqual([defaults.model, defaults.kind, defaults.dataset, defaults.schedule]);
    expect([shown('nesterov'), shown('download')]).toEqual([String(defaults.nesterov), String(defaults.download)]);
    // the --help row's text lines up with the others
    const col = (needle: string): number => help.split('\n').find((l) => l.includes(needle))!.indexOf(needle);
    expect(col('show this help')).toBe(col('number of epochs'));
  });

  it('--recipe paper is the reference recipe: cifar10, batch 256, SGD 0.1/0.9/5e-4, lr = 0.05*(1+cos(pi*e/400)) for e = 1..399', () => {
    const c = train('--recipe', 'paper');
    expect(c).toMatchObject({ dataset: 'cifar10', eta: 0.2, batchSize: 256, lr: 0.1, momentum: 0.9, weightDecay: 5e-4, nesterov: false, schedule: 'cosine', epochs: 399, warmupEpochs: 0 });
    for (let e = 1; e <= 399; e++) expect(epochLr(c, e)).toBeCloseTo(0.05 * (1 + Math.cos((Math.PI * e) / 400)), 15);
  });

  it('flags override the recipe; cosine uses T = epochs (+1 for the paper recipe)', () => {
    const c = train('--recipe', 'paper', '--dataset', 'synthetic', '--batch-size', '64', '--lr', '0.05', '--epochs', '10', '--weight-decay', '0');
    expect(c).toMatchObject({ dataset: 'synthetic', batchSize: 64, lr: 0.05, epochs: 10, weightDecay: 0, momentum: 0.9, schedule: 'cosine' });
    expect(epochLr(c, 3)).toBeCloseTo(0.025 * (1 + Math.cos((Math.PI * 3) / 11)), 15);
    const plain = train('--epochs', '5', '--lr', '0.2', '--schedule', 'cosine');
    expect(epochLr(plain, 5)).toBeCloseTo(0, 15);
    expect(epochLr(plain, 2)).toBeCloseTo(0.1 * (1 + Math.cos((Math.PI * 2) / 5)), 15);
    expect(epochLr(train('--schedule', 'constant', '--lr', '0.1'), 2)).toBe(0.1);
  });

  it('cosine-steps: linear warmup over round(X * steps per epoch) steps (X fractional), then a per-step cosine to 0', () => {
    const c = train('--schedule', 'cosine-steps', '--lr', '0.2', '--epochs', '3', '--warmup-epochs', '0.5');
    const spe = 10, warm = 5, total = 3 * spe - warm;
    for (let i = 0; i < warm; i++) expect(stepLr(c, 1, i, spe)).toBeCloseTo((0.2 * (i + 1)) / warm, 15);
    for (let done = warm; done < 3 * spe; done++) {
      const epoch = Math.floor(done / spe) + 1;
      expect(stepLr(c, epoch, done % spe, spe)).toBeCloseTo(0.1 * (1 + Math.cos((Math.PI * (done - warm)) / total)), 15);
    }
    // the old schedules keep their meaning, with the warmup now allowed to be fractional
    const epochWise = train('--schedule', 'cosine', '--lr', '0.2', '--epochs', '4', '--warmup-epochs', '1');
    expect(stepLr(epochWise, 1, 4, 10)).toBeCloseTo(epochLr(epochWise, 1) * 0.5, 15);
    expect(stepLr(epochWise, 2, 0, 10)).toBe(epochLr(epochWise, 2));
    for (let i = 0; i < 10; i++) expect(stepLr(epochWise, 1, i, 10)).toBeCloseTo((0.1 * (1 + Math.cos(Math.PI / 4)) * (i + 1)) / 10, 15);
    // step: x0.1 after 50% and again after 75% of the epochs
    const stepped = train('--schedule', 'step', '--lr', '0.1', '--epochs', '8', '--warmup-epochs', '0');
    [1, 2, 3, 4, 5, 6, 7, 8].forEach((e) => expect(epochLr(stepped, e)).toBeCloseTo(e > 6 ? 0.001 : e > 4 ? 0.01 : 0.1, 15));
    // a one-step warmup is no warmup
    const oneStep = train('--lr', '0.2', '--epochs', '2', '--warmup-epochs', '0.1');
    expect(stepLr(oneStep, 1, 0, 10)).toBe(0.2);
    expect(stepLr(oneStep, 1, 1, 10)).toBe(0.2);
    expect(stepLr(oneStep, 2, 9, 10)).toBeCloseTo(0.1 * (1 + Math.cos((Math.PI * 18) / 19)), 15);
  });

  it('--label-smoothing, --teacher and the distillation flags, with their checks', () => {
    expect(train('--label-smoothing', '0.1').labelSmoothing).toBe(0.1);
    expect(train().labelSmoothing).toBe(0.1);
    expect(train('--recipe', 'paper').labelSmoothing).toBe(0);
    expect(() => train('--label-smoothing', '1')).toThrow(UsageError);
    const d = train('--teacher', 'runs/cnn/best.safetensors', '--distill-alpha', '0.7', '--distill-temperature', '3');
    expect(d.teacher).toMatch(/runs\/cnn\/best\.safetensors$/);
    expect([d.distillAlpha, d.distillTemperature]).toEqual([0.7, 3]);
    expect(train().teacher).toBeNull();
    expect(() => train('--distill-alpha', '0.7')).toThrow(/--distill-alpha and --distill-temperature need --teacher FILE/);
    expect(() => train('--teacher', 'x', '--distill-alpha', '2')).toThrow(UsageError);
  });

  it('numbers are decimal only: hex, binary, padded and infinite values are refused by name', () => {
    for (const bad of ['0x10', '0b11', ' 3', 'Infinity', '1e', '1.2.3']) expect(() => train('--lr', bad)).toThrow(/--lr expects a decimal number/);
    expect(train('--lr', '1e-1').lr).toBe(0.1);
    expect(train('--lr', '.5').lr).toBe(0.5);
  });

  it('--augment picks the Fashion-MNIST training augmentation', () => {
    expect(train().augment).toBe('none');
    expect(train('--augment', 'crop2').augment).toBe('crop2');
    expect(() => train('--augment', 'mixup')).toThrow(/--augment must be one of crop-flip\|crop\|crop2\|none/);
  });

  it('--seeds takes a comma list of distinct seeds, not with --seed or --resume', () => {
    expect(resolveTrainConfig(['--seeds', '0,1,2']).seeds).toEqual([0, 1, 2]);
    expect(resolveTrainConfig([]).seeds).toBeNull();
    expect(() => resolveTrainConfig(['--seeds', '0,x'])).toThrow(/--seeds/);
    expect(() => resolveTrainConfig(['--seeds', '1,1'])).toThrow(/lists a seed twice/);
    expect(() => resolveTrainConfig(['--seeds', '0,1', '--seed', '3'])).toThrow(/--seed or --seeds, not both/);
    expect(() => resolveTrainConfig(['--seeds', '0,1', '--resume', 'runs/x'])).toThrow(/cannot be combined with --resume/);
  });

  it('the --seeds summary: a row per seed, then mean +- sample std', () => {
    expect(meanStd([0.8, 0.84, 0.82])).toEqual({ mean: expect.closeTo(0.82, 12), std: expect.closeTo(0.02, 12) });
    const out = formatSeedSummary([
      { seed: 0, dir: 'runs/a-seed0', bestAcc: 0.85, lastAcc: 0.84, seconds: 230 },
      { seed: 1, dir: 'runs/a-seed1', bestAcc: 0.83, lastAcc: 0.82, seconds: 236 },
    ]);
    expect(out).toContain('| 0 | 84.00% | 85.00% | 3:50 | runs/a-seed0 |');
    expect(out).toContain('| 1 | 82.00% | 83.00% | 3:56 | runs/a-seed1 |');
    expect(out).toMatch(/over 2 seed\(s\): last 83\.00% \+- 1\.41, best 84\.00% \+- 1\.41, min last 82\.00%, wall 3:53 \+- 4 s/);
  });

  it('--resume keeps the saved epoch count unless --epochs is given', () => {
    expect(train('--resume', 'runs/x').epochs).toBe(0);
    expect(train('--resume', 'runs/x', '--epochs', '7').epochs).toBe(7);
  });
});

describe('pnpm eval flags', () => {
  it('requires --checkpoint and --dataset, and suggests for typos', () => {
    expect(evalError('--dataset', 'cifar10')).toMatch(/^eval: --checkpoint FILE is required/);
    expect(evalError('--checkpoint', 'a.pth')).toMatch(/^eval: --dataset is required/);
    expect(evalError('--checkpiont', 'a.pth')).toMatch(/unknown flag --checkpiont \(did you mean --checkpoint\?\)/);
    expect(evalError('--checkpoint', 'a.pth', '--dataset', 'cifar11')).toMatch(/got 'cifar11' \(did you mean 'cifar10'\?\)/);
    expect(evalError('--checkpoint', 'a.pth', '--dataset', 'cifar10', '--batch-size', 'big')).toBe("eval: --batch-size expects a decimal number, got 'big'");
    expect(evalError('a.pth')).toMatch(/unexpected argument 'a\.pth'.*did you mean --checkpoint a\.pth\?/);
  });

  it('--help lists every flag with a default where one applies', () => {
    const help = helpText('eval', 'summary', EVAL_FLAGS);
    for (const name of ['checkpoint', 'model', 'kind', 'dataset', 'data-dir', 'eval-subset', 'batch-size', 'predictions', 'threads']) expect(help, name).toMatch(new RegExp(`^ {2}--${name} `, 'm'));
    expect(help).toMatch(/--batch-size N .*\(default: 100\)/);
    expect(help).toMatch(/--model .*\(default: inferred from the checkpoint\)/);
    const c = resolveEvalConfig(['--checkpoint', 'x.pth', '--dataset', 'sample']).config;
    expect(c).toMatchObject({ model: null, kind: null, batchSize: 100, evalSubset: null, predictions: null });
  });
});

describe('the commands', () => {
  it('print a usage error without a stack trace and exit 2', () => {
    for (const [script, args, want] of [
      ['src/train.ts', ['--lr', 'abc'], "train: --lr expects a decimal number, got 'abc'"],
      ['src/eval.ts', ['--checkpont', 'x'], 'eval: unknown flag --checkpont (did you mean --checkpoint?)'],
    ] as const) {
      const r = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { cwd: appDir, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toContain(want);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('eval names a checkpoint it cannot use and exits 4 (format), without a stack trace', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/eval.ts', '--checkpoint', 'package.json', '--dataset', 'synthetic'], { cwd: appDir, env: { ...process.env, INIT_CWD: appDir }, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(4);
    expect(r.stderr).toContain(`eval: ${path.join(appDir, 'package.json')}: neither a safetensors file nor a PyTorch checkpoint`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
