// Schedules against their closed forms, the reference per-epoch cosine, warmup, and resuming from state.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConstantLR, CosineAnnealingLR, EpochCosineLR, EpochwiseLR, IdentityLR, LinearLR, LinearWarmup, MultiStepLR, NNError, SequentialLR, StepLR, type LRScheduler } from '../src/index';

interface LrGolden {
  base: number[];
  epochs: number;
  cases: Record<string, { scheduler: 'ConstantLR' | 'LinearLR' | 'SequentialLR'; options: Record<string, number>; trace: number[][] }>;
}
// torch.optim.lr_scheduler traces (fixtures/gen_lr_schedules.py)
const golden = JSON.parse(readFileSync(new URL('./fixtures/lr-golden.json', import.meta.url), 'utf8')) as LrGolden;

function opt(...lrs: number[]): { paramGroups: { lr: number }[] } {
  return { paramGroups: lrs.map((lr) => ({ lr })) };
}
function trace(s: LRScheduler, o: { paramGroups: { lr: number }[] }, epochs: number): number[][] {
  const out = [o.paramGroups.map((g) => g.lr)];
  for (let e = 1; e < epochs; e++) {
    s.step();
    out.push(o.paramGroups.map((g) => g.lr));
  }
  return out;
}

describe('schedules', () => {
  it('StepLR: base * gamma^floor(e / stepSize)', () => {
    const o = opt(0.1, 1);
    const got = trace(new StepLR(o, 3, 0.5), o, 10);
    got.forEach((lrs, e) => {
      expect(lrs[0]).toBeCloseTo(0.1 * 0.5 ** Math.floor(e / 3), 15);
      expect(lrs[1]).toBeCloseTo(0.5 ** Math.floor(e / 3), 15);
    });
    expect(got[2]![0]).toBeCloseTo(0.1, 15);
    expect(got[3]![0]).toBeCloseTo(0.05, 15);
  });

  it('MultiStepLR: gamma per milestone passed (unsorted milestones accepted)', () => {
    const o = opt(1);
    const got = trace(new MultiStepLR(o, [5, 2], 0.1), o, 7).map((l) => l[0]!);
    const expected = [1, 1, 0.1, 0.1, 0.1, 0.01, 0.01];
    got.forEach((v, e) => expect(v).toBeCloseTo(expected[e]!, 15));
  });

  it('CosineAnnealingLR: etaMin + (base - etaMin)(1 + cos(pi e / T))/2, reaching etaMin at T', () => {
    const o = opt(0.2);
    const got = trace(new CosineAnnealingLR(o, 8, 0.01), o, 9).map((l) => l[0]!);
    got.forEach((v, e) => expect(v).toBeCloseTo(0.01 + (0.19 * (1 + Math.cos((Math.PI * e) / 8))) / 2, 15));
    expect(got[4]).toBeCloseTo(0.105, 15);
    expect(got[8]).toBeCloseTo(0.01, 15);
  });

  it('EpochCosineLR is the reference recipe 0.05*(1 + cos(pi e/400)) for base 0.1', () => {
    const o = opt(0.1);
    const s = new EpochCosineLR(o, 400);
    for (const e of [1, 2, 100, 200, 399]) {
      s.step(e);
      expect(o.paramGroups[0]!.lr).toBeCloseTo(0.05 * (1 + Math.cos((Math.PI * e) / 400)), 15);
    }
    s.step(200);
    expect(o.paramGroups[0]!.lr).toBeCloseTo(0.05, 15);
  });

  it('LinearWarmup ramps linearly to the inner schedule, then follows it', () => {
    const o = opt(0.4);
    const s = new LinearWarmup(new CosineAnnealingLR(o, 10), { warmupEpochs: 4, startFactor: 0.25 });
    const got = trace(s, o, 11).map((l) => l[0]!);
    got.forEach((v, e) => {
      const f = 0.25 + (0.75 * Math.min(e, 4)) / 4;
      expect(v).toBeCloseTo(0.2 * (1 + Math.cos((Math.PI * e) / 10)) * f, 15);
    });
    expect(got[0]).toBeCloseTo(0.1, 15);
    expect(got[4]).toBeCloseTo(0.2 * (1 + Math.cos((Math.PI * 4) / 10)), 15);
    // the default start factor is torch's LinearLR default, 1/3; the old default 1/(W + 1) is passed explicitly
    const d = new LinearWarmup(new IdentityLR(opt(1)), { warmupEpochs: 3 });
    expect(d.getLastLr()[0]).toBeCloseTo(1 / 3, 15);
    const old = new LinearWarmup(new IdentityLR(opt(1)), { warmupEpochs: 3, startFactor: 1 / (3 + 1) });
    expect(old.getLastLr()[0]).toBeCloseTo(0.25, 15);
  });

  it('ConstantLR and LinearLR match torch.optim.lr_scheduler (defaults 1/3 and 5 as torch)', () => {
    for (const [name, c] of Object.entries(golden.cases)) {
      const o = opt(...golden.base);
      const sequential = (): LRScheduler => {
        const { startFactor, totalIters, tMax, milestone } = c.options as { startFactor: number; totalIters: number; tMax: number; milestone: number };
        return new SequentialLR(o, [new LinearLR(o, { startFactor, totalIters }), new CosineAnnealingLR(o, tMax)], [milestone]);
      };
      const s = c.scheduler === 'ConstantLR' ? new ConstantLR(o, c.options) : c.scheduler === 'LinearLR' ? new LinearLR(o, c.options) : sequential();
      const got = trace(s, o, golden.epochs);
      got.forEach((lrs, e) => lrs.forEach((lr, g) => expect(lr, `${name} epoch ${e} group ${g}`).toBeCloseTo(c.trace[e]![g]!, 14)));
    }
  });

  it('IdentityLR (the no-schedule class, ConstantLR before issue 18) keeps every base lr', () => {
    const o = opt(0.1, 0.3);
    expect(trace(new IdentityLR(o), o, 4)).toEqual([[0.1, 0.3], [0.1, 0.3], [0.1, 0.3], [0.1, 0.3]]);
  });

  it('ConstantLR and LinearLR refuse bad and unknown options by name', () => {
    expect(() => new ConstantLR(opt(1), { factor: 1.5 })).toThrow('ConstantLR: expected factor in [0, 1], got 1.5');
    expect(() => new ConstantLR(opt(1), { totalIters: 0 })).toThrow('ConstantLR: expected totalIters to be a positive integer, got 0');
    expect(() => new ConstantLR(opt(1), { total_iters: 3 } as never)).toThrow(NNError);
    expect(() => new ConstantLR(opt(1), { total_iters: 3 } as never)).toThrow("ConstantLR: unknown option 'total_iters'");
    expect(() => new LinearLR(opt(1), { startFactor: 0 })).toThrow('LinearLR: expected 0 < startFactor <= 1, got 0');
    expect(() => new LinearLR(opt(1), { endFactor: 2 })).toThrow('LinearLR: expected 0 <= endFactor <= 1, got 2');
    expect(() => new LinearLR(opt(1), { totalIters: 0 })).toThrow('LinearLR: expected totalIters to be a positive integer, got 0');
    expect(() => new LinearWarmup(new IdentityLR(opt(1)), { warmupEpochs: 2, warmup: 3 } as never)).toThrow("LinearWarmup: unknown option 'warmup'");
  });

  it('resumes from stateDict exactly where it stopped', () => {
    const o1 = opt(0.1, 0.3);
    const s1 = new StepLR(o1, 2, 0.5);
    const full = trace(s1, o1, 8);
    const o2 = opt(0.1, 0.3);
    const s2 = new StepLR(o2, 2, 0.5);
    trace(s2, o2, 4);
    const state = JSON.parse(JSON.stringify(s2.stateDict())) as ReturnType<LRScheduler['stateDict']>;
    const o3 = opt(9, 9); // lrs get overwritten by the restored state
    const s3 = new StepLR(o3, 2, 0.5);
    s3.loadStateDict(state);
    expect(o3.paramGroups.map((g) => g.lr)).toEqual(full[3]);
    const rest: number[][] = [];
    for (let e = 4; e < 8; e++) {
      s3.step();
      rest.push(o3.paramGroups.map((g) => g.lr));
    }
    expect(rest).toEqual(full.slice(4));
  });

  it('rejects bad arguments naming the schedule', () => {
    expect(() => new StepLR(opt(1), 0)).toThrow(/StepLR: expected stepSize to be a positive integer, got 0/);
    expect(() => new CosineAnnealingLR(opt(1), 2.5)).toThrow(/CosineAnnealingLR/);
    expect(() => new StepLR(opt(1), 1).loadStateDict({ lastEpoch: 0, baseLrs: [1, 2], lastLrs: [1, 2] })).toThrow(/2 base lrs, optimiser has 1 groups/);
  });

  it('SequentialLR hands over at each milestone, counting the next schedule from 0; it refuses bad milestones by name', () => {
    const o = opt(1);
    const s = new SequentialLR(o, [new ConstantLR(o, { factor: 0.5, totalIters: 10 }), new StepLR(o, 2, 0.1), new IdentityLR(o)], [3, 7]);
    const expected = [0.5, 0.5, 0.5, 1, 1, 0.1, 0.1, 1, 1];
    trace(s, o, 9).forEach((l, e) => expect(l[0]).toBeCloseTo(expected[e]!, 15));
    expect(() => new SequentialLR(o, [new IdentityLR(o), new IdentityLR(o)], [])).toThrow('SequentialLR: expected 1 milestone(s) for 2 schedulers, got 0');
    expect(() => new SequentialLR(o, [new IdentityLR(o), new IdentityLR(o), new IdentityLR(o)], [4, 4])).toThrow('SequentialLR: expected increasing milestones, got 4, 4');
    expect(() => new SequentialLR(o, [new IdentityLR(opt(1))], [])).toThrow('SequentialLR: scheduler 0 is bound to a different optimizer');
  });

  it('EpochwiseLR holds an epoch schedule for each epoch\'s steps, epochs numbered from firstEpoch', () => {
    const o = opt(0.1);
    const s = new EpochwiseLR(new EpochCosineLR(o, 5), 3, 1);
    trace(s, o, 12).forEach((l, t) => expect(l[0]).toBeCloseTo(0.05 * (1 + Math.cos((Math.PI * (Math.floor(t / 3) + 1)) / 5)), 15));
    expect(() => new EpochwiseLR(new IdentityLR(o), 0)).toThrow('EpochwiseLR: expected stepsPerEpoch to be a positive integer, got 0');
  });
});
