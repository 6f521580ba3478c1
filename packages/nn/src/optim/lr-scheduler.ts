// Learning-rate schedules in closed form (torch.optim.lr_scheduler), each resumable from its state.
import { checkOptions } from '@adder/autograd';
import { NNError, nnError } from '../errors';

/** What a schedule needs of an optimiser: groups with a writable lr. */
export interface SchedulableOptimizer {
  paramGroups: { lr: number }[];
}

/** The JSON-able state of a schedule, for resuming. */
export interface SchedulerState {
  lastEpoch: number;
  baseLrs: number[];
  lastLrs: number[];
}

/**
 * A schedule: lr_i(epoch) = lrAt(epoch, baseLr_i). As in PyTorch, construction performs step 0
 * (each group's lr becomes lrAt(0, base), which is base for every schedule here), and step() is
 * called once per epoch (or per iteration, when the schedule is counted in iterations) afterwards.
 */
export abstract class LRScheduler {
  readonly optimizer: SchedulableOptimizer;
  /** The lr each group had when the schedule was created (PyTorch's initial_lr). */
  baseLrs: number[];
  /** The epoch of the lrs currently set (0 after construction). */
  lastEpoch = -1;
  private lastLrs: number[] = [];

  constructor(optimizer: SchedulableOptimizer) {
    this.optimizer = optimizer;
    this.baseLrs = optimizer.paramGroups.map((g) => g.lr);
  }

  /** The closed-form lr of a group with base lr `baseLr` at `epoch`. */
  abstract lrAt(epoch: number, baseLr: number): number;

  /** Advances to the next epoch (or to `epoch` when given) and writes the lrs into the optimiser. */
  step(epoch?: number): void {
    const e = epoch ?? this.lastEpoch + 1;
    if (!Number.isInteger(e) || e < 0) throw new NNError(this.constructor.name, `expected a non-negative integer epoch, got ${e}`);
    this.lastEpoch = e;
    this.lastLrs = this.baseLrs.map((b) => this.lrAt(e, b));
    this.optimizer.paramGroups.forEach((g, i) => {
      g.lr = this.lastLrs[i]!;
    });
  }

  /** The lrs set by the last step, one per group. */
  getLastLr(): number[] {
    return [...this.lastLrs];
  }

  /** The state to store in a checkpoint. */
  stateDict(): SchedulerState {
    return { lastEpoch: this.lastEpoch, baseLrs: [...this.baseLrs], lastLrs: [...this.lastLrs] };
  }

  /** Restores a state from stateDict() and re-applies its lrs to the optimiser. */
  loadStateDict(state: SchedulerState): void {
    if (state.baseLrs.length !== this.optimizer.paramGroups.length) {
      throw new NNError(`${this.constructor.name}.loadStateDict`, `state has ${state.baseLrs.length} base lrs, optimiser has ${this.optimizer.paramGroups.length} groups`);
    }
    this.baseLrs = [...state.baseLrs];
    this.lastEpoch = state.lastEpoch;
    this.lastLrs = [...state.lastLrs];
    this.optimizer.paramGroups.forEach((g, i) => {
      g.lr = this.lastLrs[i]!;
    });
  }
}

function checkPositiveInt(where: string, name: string, v: number): void {
  if (!Number.isInteger(v) || v <= 0) throw new NNError(where, `expected ${name} to be a positive integer, got ${v}`);
}


/** torch.optim.lr_scheduler.StepLR: lr = base * gamma^floor(epoch / stepSize). */
export class StepLR extends LRScheduler {
  constructor(
    optimizer: SchedulableOptimizer,
    readonly stepSize: number,
    readonly gamma = 0.1,
  ) {
    super(optimizer);
    checkPositiveInt('StepLR', 'stepSize', stepSize);
    this.step();
  }
  lrAt(epoch: number, baseLr: number): number {
    return baseLr * this.gamma ** Math.floor(epoch / this.stepSize);
  }
}

/** torch.optim.lr_scheduler.MultiStepLR: lr = base * gamma^(number of milestones <= epoch). */
export class MultiStepLR extends LRScheduler {
  readonly milestones: number[];
  constructor(
    optimizer: SchedulableOptimizer,
    milestones: readonly number[],
    readonly gamma = 0.1,
  ) {
    super(optimizer);
    for (const m of milestones) checkPositiveInt('MultiStepLR', 'each milestone', m);
    this.milestones = [...milestones].sort((a, b) => a - b);
    this.step();
  }
  lrAt(epoch: number, baseLr: number): number {
    let passed = 0;
    for (const m of this.milestones) if (m <= epoch) passed++;
    return baseLr * this.gamma ** passed;
  }
}

/** The cosine curve etaMin + (base - etaMin) * (1 + cos(pi*epoch/T)) / 2 (SGDR, eq. 5). */
export function cosineLr(baseLr: number, epoch: number, T: number, etaMin = 0): number {
  return etaMin + ((baseLr - etaMin) * (1 + Math.cos((Math.PI * epoch) / T))) / 2;
}

/** torch.optim.lr_scheduler.CosineAnnealingLR in its closed form, lr = cosineLr(base, epoch, tMax, etaMin). */
export class CosineAnnealingLR extends LRScheduler {
  constructor(
    optimizer: SchedulableOptimizer,
    readonly tMax: number,
    readonly etaMin = 0,
  ) {
    super(optimizer);
    checkPositiveInt('CosineAnnealingLR', 'tMax', tMax);
    this.step();
  }
  lrAt(epoch: number, baseLr: number): number {
    return cosineLr(baseLr, epoch, this.tMax, this.etaMin);
  }
}

/**
 * The reference recipe's per-epoch cosine, lr = 0.5*base*(1 + cos(pi*epoch/T)), set once per epoch
 * (AdderNet main.py: 0.05*(1 + cos(pi*e/400)) for base 0.1, T 400).
 */
export class EpochCosineLR extends LRScheduler {
  constructor(
    optimizer: SchedulableOptimizer,
    readonly T: number,
  ) {
    super(optimizer);
    checkPositiveInt('EpochCosineLR', 'T', T);
    this.step();
  }
  lrAt(epoch: number, baseLr: number): number {
    return 0.5 * baseLr * (1 + Math.cos((Math.PI * epoch) / this.T));
  }
}

/** A schedule that leaves every lr at its base (lr = base), so that "no schedule" has the same interface. */
export class IdentityLR extends LRScheduler {
  constructor(optimizer: SchedulableOptimizer) {
    super(optimizer);
    this.step();
  }
  lrAt(_epoch: number, baseLr: number): number {
    return baseLr;
  }
}

/** Options of ConstantLR, as torch's keyword arguments (defaults 1/3 and 5). */
export interface ConstantLROptions {
  /** The factor the lr is multiplied by until totalIters, in [0, 1] (default 1/3). */
  factor?: number;
  /** Epochs (or steps) the factor applies for, at least 1; from then on lr = base (default 5). */
  totalIters?: number;
}

/**
 * torch.optim.lr_scheduler.ConstantLR: lr = base * factor while epoch < totalIters, then base.
 * (Before issue 18, ConstantLR meant "no schedule"; that is IdentityLR now.)
 */
export class ConstantLR extends LRScheduler {
  readonly factor: number;
  readonly totalIters: number;
  constructor(optimizer: SchedulableOptimizer, options: ConstantLROptions = {}) {
    super(optimizer);
    checkOptions('ConstantLR', options, ['factor', 'totalIters'], nnError);
    this.factor = options.factor ?? 1 / 3;
    this.totalIters = options.totalIters ?? 5;
    if (!(this.factor >= 0 && this.factor <= 1)) throw new NNError('ConstantLR', `expected factor in [0, 1], got ${this.factor}`);
    // totalIters 0 is refused: torch's stepwise ConstantLR then keeps the factor forever, its closed form never applies it
    checkPositiveInt('ConstantLR', 'totalIters', this.totalIters);
    this.step();
  }
  lrAt(epoch: number, baseLr: number): number {
    return epoch < this.totalIters ? baseLr * this.factor : baseLr;
  }
}

/** Options of LinearLR, as torch's keyword arguments (defaults 1/3, 1 and 5). */
export interface LinearLROptions {
  /** The factor at epoch 0, in (0, 1] (default 1/3, torch's). */
  startFactor?: number;
  /** The factor from totalIters on, in [0, 1] (default 1). */
  endFactor?: number;
  /** Epochs (or steps) of the linear ramp (default 5). */
  totalIters?: number;
}

/**
 * torch.optim.lr_scheduler.LinearLR: lr = base * (startFactor + (endFactor - startFactor) * min(epoch, T) / T)
 * with T = totalIters.
 */
export class LinearLR extends LRScheduler {
  readonly startFactor: number;
  readonly endFactor: number;
  readonly totalIters: number;
  constructor(optimizer: SchedulableOptimizer, options: LinearLROptions = {}) {
    super(optimizer);
    checkOptions('LinearLR', options, ['startFactor', 'endFactor', 'totalIters'], nnError);
    this.startFactor = options.startFactor ?? 1 / 3;
    this.endFactor = options.endFactor ?? 1;
    this.totalIters = options.totalIters ?? 5;
    if (!(this.startFactor > 0 && this.startFactor <= 1)) throw new NNError('LinearLR', `expected 0 < startFactor <= 1, got ${this.startFactor}`);
    if (!(this.endFactor >= 0 && this.endFactor <= 1)) throw new NNError('LinearLR', `expected 0 <= endFactor <= 1, got ${this.endFactor}`);
    checkPositiveInt('LinearLR', 'totalIters', this.totalIters);
    this.step();
  }
  lrAt(epoch: number, baseLr: number): number {
    const t = this.totalIters;
    return baseLr * (this.startFactor + ((this.endFactor - this.startFactor) * Math.min(epoch, t)) / t);
  }
}

/** Options of the linear warmup wrapper. */
export interface WarmupOptions {
  /** Epochs (or steps) of warmup; the inner schedule's lr applies unchanged from this epoch on. */
  warmupEpochs: number;
  /**
   * The factor at epoch 0 (default 1/3, torch's LinearLR default; before issue 18 it was 1/(warmupEpochs + 1),
   * which stays reachable by passing it); it rises linearly to 1 at warmupEpochs.
   */
  startFactor?: number;
}

/**
 * Linear warmup in front of another schedule: lr = inner(epoch) * f(epoch) with
 * f = startFactor + (1 - startFactor) * min(epoch, W) / W (PyTorch's LinearLR factor chained
 * with the inner schedule). Only the wrapper's step() should be called.
 */
export class LinearWarmup extends LRScheduler {
  readonly warmupEpochs: number;
  readonly startFactor: number;
  constructor(
    readonly inner: LRScheduler,
    options: WarmupOptions,
  ) {
    super(inner.optimizer);
    this.baseLrs = [...inner.baseLrs];
    checkOptions('LinearWarmup', options, ['warmupEpochs', 'startFactor'], nnError);
    checkPositiveInt('LinearWarmup', 'warmupEpochs', options.warmupEpochs);
    this.warmupEpochs = options.warmupEpochs;
    this.startFactor = options.startFactor ?? 1 / 3;
    if (!(this.startFactor > 0 && this.startFactor <= 1)) {
      throw new NNError('LinearWarmup', `expected 0 < startFactor <= 1, got ${this.startFactor}`);
    }
    this.step();
  }
  lrAt(epoch: number, baseLr: number): number {
    const w = this.warmupEpochs;
    // exactly 1 once warm, so that the inner schedule's lr is not off by the rounding of the ramp
    const f = epoch >= w ? 1 : this.startFactor + ((1 - this.startFactor) * epoch) / w;
    return this.inner.lrAt(epoch, baseLr) * f;
  }
}

/**
 * torch.optim.lr_scheduler.SequentialLR in closed form: schedule i runs from milestone i-1 (0 for the
 * first) to milestone i, counted from its own start: lr(e) = schedulers[i].lrAt(e - milestones[i-1]).
 */
export class SequentialLR extends LRScheduler {
  readonly schedulers: readonly LRScheduler[];
  readonly milestones: readonly number[];
  constructor(optimizer: SchedulableOptimizer, schedulers: readonly LRScheduler[], milestones: readonly number[]) {
    super(optimizer);
    if (schedulers.length === 0) throw new NNError('SequentialLR', 'expected at least one scheduler, got none');
    if (milestones.length !== schedulers.length - 1) {
      throw new NNError('SequentialLR', `expected ${schedulers.length - 1} milestone(s) for ${schedulers.length} schedulers, got ${milestones.length}`);
    }
    milestones.forEach((m, i) => {
      checkPositiveInt('SequentialLR', 'each milestone', m);
      if (i > 0 && m <= milestones[i - 1]!) throw new NNError('SequentialLR', `expected increasing milestones, got ${milestones.join(', ')}`);
    });
    schedulers.forEach((s, i) => {
      if (s.optimizer !== optimizer) throw new NNError('SequentialLR', `scheduler ${i} is bound to a different optimizer`);
    });
    this.schedulers = [...schedulers];
    this.milestones = [...milestones];
    // the inner schedules' constructors stepped the optimiser; the bases are the lrs they started from
    this.baseLrs = [...schedulers[0]!.baseLrs];
    this.step();
  }
  lrAt(epoch: number, baseLr: number): number {
    let i = 0;
    while (i < this.milestones.length && epoch >= this.milestones[i]!) i++;
    return this.schedulers[i]!.lrAt(i === 0 ? epoch : epoch - this.milestones[i - 1]!, baseLr);
  }
}

/**
 * An epoch schedule stepped once per optimiser step, so that it can sit under a per-step warmup:
 * lr(step) = inner.lrAt(floor(step / stepsPerEpoch) + firstEpoch). firstEpoch 1 gives the reference
 * recipe's numbering, where the first epoch already runs at the schedule's epoch-1 lr.
 */
export class EpochwiseLR extends LRScheduler {
  constructor(
    readonly inner: LRScheduler,
    readonly stepsPerEpoch: number,
    readonly firstEpoch = 0,
  ) {
    super(inner.optimizer);
    checkPositiveInt('EpochwiseLR', 'stepsPerEpoch', stepsPerEpoch);
    if (!Number.isInteger(firstEpoch) || firstEpoch < 0) throw new NNError('EpochwiseLR', `expected a non-negative integer firstEpoch, got ${firstEpoch}`);
    this.baseLrs = [...inner.baseLrs];
    this.step();
  }
  lrAt(step: number, baseLr: number): number {
    return this.inner.lrAt(Math.floor(step / this.stepsPerEpoch) + this.firstEpoch, baseLr);
  }
}
