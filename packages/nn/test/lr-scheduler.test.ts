// Schedules against their closed forms, the reference per-epoch cosine, warmup, and resuming from state.
import { describe, expect, it } from 'vitest';
import { ConstantLR, CosineAnnealingLR, EpochCosineLR, LinearWarmup, MultiStepLR, StepLR, type LRScheduler } from '../src/index';

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
    const d = new LinearWarmup(new ConstantLR(opt(1)), { warmupEpochs: 3 });
    expect(d.getLastLr()[0]).toBeCloseTo(0.25, 15);
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
});
