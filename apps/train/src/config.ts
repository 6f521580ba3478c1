// The training configuration: flag table, recipes and their resolution into one TrainConfig.
import path from 'node:path';
import type { FashionMnistAugment } from '@adder/data';
import { getBackend, getNumThreads, type BackendName } from '@adder/tensor';
import { CosineAnnealingLR, EpochCosineLR, EpochwiseLR, IdentityLR, LinearLR, LinearWarmup, MultiStepLR, SequentialLR, type LRScheduler, type SchedulableOptimizer } from '@adder/nn';
import { BACKEND_FLAG, type FlagTable, UsageError, numberFlag, parseFlags, userCwd } from './cli/flags';

/** Everything a training run needs to know; written to config.json and checkpoint metadata. */
export interface TrainConfig {
  recipe: 'default' | 'paper';
  model: 'resnet20' | 'resnet32' | 'resnet56' | 'resnet50';
  kind: 'adder' | 'cnn';
  eta: number;
  dataset: 'sample' | 'fashion-mnist' | 'cifar10' | 'cifar100' | 'synthetic';
  dataDir: string | null;
  download: boolean;
  /** CIFAR: accept files with another record count than the official one (--allow-partial-cifar) */
  allowPartialCifar?: boolean;
  subset: number | null;
  evalSubset: number | null;
  /** epochs to run; 0 with --resume means the saved run's own count */
  epochs: number;
  batchSize: number;
  lr: number;
  momentum: number;
  weightDecay: number;
  nesterov: boolean;
  schedule: 'cosine' | 'cosine-steps' | 'step' | 'constant';
  /** linear warmup, in epochs (may be fractional) */
  warmupEpochs: number;
  /** eps of crossEntropy's label smoothing (0 = off) */
  labelSmoothing: number;
  /** the training augmentation of the Fashion-MNIST sets (sample, fashion-mnist) */
  augment: FashionMnistAugment;
  /** a CNN twin's checkpoint to distil from, or null */
  teacher: string | null;
  distillAlpha: number;
  distillTemperature: number;
  bnRecalibBatches: number;
  seed: number;
  threads: number;
  /** the kernel backend the run used ('js' or 'simd') */
  backend: BackendName;
  out: string | null;
  resume: string | null;
  evalEvery: number;
}

/** Every flag of `pnpm train`, with its default as shown by --help. */
export const TRAIN_FLAGS: FlagTable = {
  recipe: { type: 'string', choices: ['default', 'paper'], default: 'default', help: "'paper' = the reference CIFAR-10 recipe: cifar10, batch 256, SGD lr 0.1, momentum 0.9, weight decay 5e-4, 399 epochs of lr = 0.05*(1+cos(pi*e/400)), no BN re-estimation; flags given still win" },
  model: { type: 'string', choices: ['resnet20', 'resnet32', 'resnet56', 'resnet50'], default: 'resnet20', help: 'architecture' },
  kind: { type: 'string', choices: ['adder', 'cnn'], default: 'adder', help: 'AdderNet or its CNN twin' },
  eta: { type: 'string', placeholder: 'N', default: '2', help: "the adder layers' adaptive learning-rate scale (eq. 13); the paper's 0.2 with --recipe paper" },
  dataset: { type: 'string', choices: ['sample', 'fashion-mnist', 'cifar10', 'cifar100', 'synthetic'], default: 'sample', help: 'training data (sample = the bundled Fashion-MNIST subset)' },
  'data-dir': { type: 'string', placeholder: 'DIR', default: './data for CIFAR, holding cifar-10-batches-bin/ or the .tar.gz; /usr/share/datasets/fashion-mnist for fashion-mnist', help: 'where the dataset files are' },
  download: { type: 'boolean', default: false, help: 'download CIFAR when missing' },
  'allow-partial-cifar': { type: 'boolean', default: false, help: 'accept CIFAR files with fewer records than the official 10,000 per file (refused by default as cut or partial)' },
  subset: { type: 'string', placeholder: 'N', default: 'all', help: 'train on the first N examples only' },
  'eval-subset': { type: 'string', placeholder: 'N', default: 'all', help: 'evaluate on the first N test examples only' },
  epochs: { type: 'string', placeholder: 'N', default: '4', help: 'number of epochs' },
  'batch-size': { type: 'string', placeholder: 'N', default: '32', help: 'training batch size' },
  lr: { type: 'string', placeholder: 'X', default: '0.2', help: 'base learning rate' },
  momentum: { type: 'string', placeholder: 'X', default: '0.9', help: 'SGD momentum' },
  'weight-decay': { type: 'string', placeholder: 'X', default: '5e-4', help: 'SGD weight decay' },
  nesterov: { type: 'boolean', default: false, help: 'Nesterov momentum' },
  schedule: { type: 'string', choices: ['cosine', 'cosine-steps', 'step', 'constant'], default: 'cosine-steps', help: 'cosine: lr = 0.5*base*(1+cos(pi*e/T)) per epoch e, T = epochs (+1 for the paper recipe); cosine-steps: the same cosine per step over the steps after the warmup, so short runs decay; step: x0.1 at 50% and 75%' },
  'warmup-epochs': { type: 'string', placeholder: 'X', default: '0.3', help: 'linear warmup over the first X epochs (per step; X may be fractional)' },
  augment: { type: 'string', choices: ['crop-flip', 'crop', 'crop2', 'none'], default: 'none', help: 'Fashion-MNIST training augmentation: a random crop of the 32x32-padded image shifting up to 4 pixels (crop2: 2) with a horizontal flip (crop-flip), without it (crop, crop2), or none' },
  'label-smoothing': { type: 'string', placeholder: 'X', default: '0.1', help: 'label smoothing eps of the cross-entropy, in [0, 1)' },
  teacher: { type: 'string', placeholder: 'FILE', default: 'none', help: "distil from this checkpoint (a CNN twin's best.safetensors): loss = (1-alpha) CE + alpha T^2 KL(teacher || student) on logits / T" },
  'distill-alpha': { type: 'string', placeholder: 'X', default: '0.5', help: 'weight of the distillation term, in [0, 1] (with --teacher)' },
  'distill-temperature': { type: 'string', placeholder: 'T', default: '4', help: 'softmax temperature of the distillation term, > 0 (with --teacher)' },
  'bn-recalib': { type: 'string', placeholder: 'N', default: '20', help: 're-estimate BatchNorm statistics on N training batches before each evaluation (0 = off)' },
  seed: { type: 'string', placeholder: 'N', default: '0', help: 'random seed (init, shuffling, augmentation)' },
  seeds: { type: 'string', placeholder: 'N,N,...', default: 'none', help: 'run once per seed, one after another, one run folder each (<out>-seed<N>), then print a summary table' },
  threads: { type: 'string', placeholder: 'N', default: 'ADDER_THREADS or all cores', help: 'worker threads for the kernels' },
  backend: BACKEND_FLAG,
  out: { type: 'string', placeholder: 'DIR', default: 'runs/<date>-<model>-<dataset>/', help: 'run folder' },
  resume: { type: 'string', placeholder: 'PATH', default: 'none', help: "resume from a checkpoint (last.safetensors) or its run folder, with the run's saved config (--epochs may extend it; --threads and --backend may change; any other flag must agree with the saved run)" },
  force: { type: 'boolean', default: false, help: "start over in an existing --out folder: its run files (config.json, metrics.jsonl, *.safetensors, curves.svg, summary.md) are replaced; without it an existing folder is refused" },
  'eval-every': { type: 'string', placeholder: 'N', default: '4', help: 'evaluate every N epochs (and always after the last); each evaluation re-estimates BatchNorm and costs about 6 s on the sample' },
};

/** ADDER_THREADS (else all cores), as a usage error naming the variable when it is not a count from 1 to 256. */
function envThreads(): number {
  try {
    return getNumThreads();
  } catch (e) {
    throw new UsageError(`train: ${(e as Error).message.replace(/^setNumThreads: /, '')}`);
  }
}

/** The reference recipe of ADDERNET.md: flags given on the command line still override it. */
const PAPER: Partial<TrainConfig> = { dataset: 'cifar10', eta: 0.2, batchSize: 256, lr: 0.1, momentum: 0.9, weightDecay: 5e-4, epochs: 399, schedule: 'cosine', warmupEpochs: 0, bnRecalibBatches: 0, labelSmoothing: 0 };

/** Parses `pnpm train` flags into a config (throws UsageError on bad input). */
export function resolveTrainConfig(argv: readonly string[]): { config: TrainConfig; help: boolean; seeds: number[] | null; force: boolean; givenFlags: string[] } {
  const { values, positionals } = parseFlags('train', TRAIN_FLAGS, argv);
  if (positionals.length > 0) throw new UsageError(`train: unexpected argument '${positionals[0]}'. Flags start with --; see --help.`);
  const given = (k: string): boolean => values[k] !== undefined;
  const str = (k: string): string => (values[k] as string | undefined) ?? (TRAIN_FLAGS[k]!.default as string);
  const num = (k: string, o: { integer?: boolean; min?: number; max?: number } = {}): number => numberFlag('train', k, str(k), o)!;
  const recipe = str('recipe') as TrainConfig['recipe'];
  const base: TrainConfig = {
    recipe,
    model: str('model') as TrainConfig['model'],
    kind: str('kind') as TrainConfig['kind'],
    eta: num('eta', { min: 0 }),
    dataset: str('dataset') as TrainConfig['dataset'],
    dataDir: given('data-dir') ? path.resolve(userCwd(), str('data-dir')) : null,
    download: values['download'] === true,
    allowPartialCifar: values['allow-partial-cifar'] === true,
    subset: given('subset') ? num('subset', { integer: true, min: 1 }) : null,
    evalSubset: given('eval-subset') ? num('eval-subset', { integer: true, min: 1 }) : null,
    // with --resume and no --epochs: 0, which the trainer reads as "the saved run's epochs" (the default 3 must not extend it)
    epochs: given('resume') && !given('epochs') ? 0 : num('epochs', { integer: true, min: 1 }),
    batchSize: num('batch-size', { integer: true, min: 1 }),
    lr: num('lr', { min: 0 }),
    momentum: num('momentum', { min: 0, max: 1 }),
    weightDecay: num('weight-decay', { min: 0 }),
    nesterov: values['nesterov'] === true,
    schedule: str('schedule') as TrainConfig['schedule'],
    warmupEpochs: num('warmup-epochs', { min: 0 }),
    labelSmoothing: num('label-smoothing', { min: 0, max: 0.999 }),
    augment: str('augment') as FashionMnistAugment,
    teacher: given('teacher') ? path.resolve(userCwd(), str('teacher')) : null,
    distillAlpha: num('distill-alpha', { min: 0, max: 1 }),
    distillTemperature: num('distill-temperature', { min: 1e-6 }),
    bnRecalibBatches: num('bn-recalib', { integer: true, min: 0 }),
    seed: num('seed', { integer: true, min: 0 }),
    threads: given('threads') ? num('threads', { integer: true, min: 1, max: 256 }) : envThreads(), // ADDER_THREADS, else all cores
    backend: given('backend') ? (str('backend') as BackendName) : getBackend(), // ADDER_BACKEND, else simd where supported
    out: given('out') ? path.resolve(userCwd(), str('out')) : null,
    resume: given('resume') ? path.resolve(userCwd(), str('resume')) : null,
    evalEvery: num('eval-every', { integer: true, min: 1 }),
  };
  if (recipe === 'paper') {
    const flagOf: Record<string, string> = { dataset: 'dataset', eta: 'eta', batchSize: 'batch-size', lr: 'lr', momentum: 'momentum', weightDecay: 'weight-decay', epochs: 'epochs', schedule: 'schedule', warmupEpochs: 'warmup-epochs', bnRecalibBatches: 'bn-recalib', labelSmoothing: 'label-smoothing' };
    for (const [k, v] of Object.entries(PAPER)) if (!given(flagOf[k]!)) (base as unknown as Record<string, unknown>)[k] = v;
  }
  if (base.nesterov && (base.momentum <= 0)) throw new UsageError('train: --nesterov requires --momentum > 0');
  if (base.warmupEpochs >= base.epochs && base.warmupEpochs > 0 && base.resume === null) throw new UsageError(`train: --warmup-epochs (${base.warmupEpochs}) must be smaller than --epochs (${base.epochs})`);
  if (!given('teacher') && (given('distill-alpha') || given('distill-temperature'))) throw new UsageError('train: --distill-alpha and --distill-temperature need --teacher FILE');
  let seeds: number[] | null = null;
  if (given('seeds')) {
    if (given('seed')) throw new UsageError('train: give --seed or --seeds, not both');
    if (given('resume')) throw new UsageError('train: --seeds starts new runs; it cannot be combined with --resume');
    const parts = str('seeds').split(',');
    seeds = parts.map((p) => numberFlag('train', 'seeds', p.trim(), { integer: true, min: 0 })!);
    if (new Set(seeds).size !== seeds.length) throw new UsageError(`train: --seeds lists a seed twice: ${str('seeds')}`);
  }
  const force = values['force'] === true;
  if (force && given('resume')) throw new UsageError('train: --force starts a run over; it cannot be combined with --resume, which continues one');
  const givenFlags = Object.keys(TRAIN_FLAGS).filter((k) => given(k));
  return { config: base, help: values['help'] === true, seeds, force, givenFlags };
}

/**
 * The run's learning-rate schedule, built from @adder/nn's schedulers and counted in optimiser steps
 * (step t = the t-th step of the run, from 0), so that a resumed run calls step(t) and gets the same lr:
 * - cosine-steps: a linear warmup (LinearLR, lr = base*(t+1)/W over the W warmup steps) then
 *   CosineAnnealingLR over the remaining steps, joined by SequentialLR at W;
 * - cosine, step, constant: an epoch schedule (epochs numbered from 1, as the reference main.py) held for
 *   each epoch's steps (EpochwiseLR), under a per-step LinearWarmup when --warmup-epochs is set.
 * cosine is lr = 0.5*base*(1 + cos(pi*e/T)) with T = epochs, plus 1 for the paper recipe, whose 399 epochs
 * run with T = 400 as in the reference; step is x0.1 after 50% and again after 75% of the epochs.
 */
export function lrSchedule(config: TrainConfig, optimizer: SchedulableOptimizer, stepsPerEpoch: number): LRScheduler {
  for (const g of optimizer.paramGroups) g.lr = config.lr; // the base is --lr, also after a resumed optimiser state
  const warmup = Math.round(config.warmupEpochs * stepsPerEpoch);
  // lr = base*(t+1)/W for t < W: LinearLR from 1/W over W-1 steps (one step of factor 1 when W = 1)
  const warmupRamp = (): LinearLR => new LinearLR(optimizer, { startFactor: 1 / warmup, totalIters: Math.max(warmup - 1, 1) });
  if (config.schedule === 'cosine-steps') {
    const cosine = new CosineAnnealingLR(optimizer, Math.max(1, config.epochs * stepsPerEpoch - warmup));
    return warmup > 0 ? new SequentialLR(optimizer, [warmupRamp(), cosine], [warmup]) : cosine;
  }
  const T = config.epochs + (config.recipe === 'paper' ? 1 : 0);
  const perEpoch =
    config.schedule === 'cosine'
      ? new EpochCosineLR(optimizer, T)
      : config.schedule === 'step'
        ? new MultiStepLR(optimizer, [Math.floor(0.5 * config.epochs) + 1, Math.floor(0.75 * config.epochs) + 1], 0.1)
        : new IdentityLR(optimizer);
  const held = new EpochwiseLR(perEpoch, stepsPerEpoch, 1);
  return warmup > 1 ? new LinearWarmup(held, { warmupEpochs: warmup - 1, startFactor: 1 / warmup }) : held;
}
