// SGD, Adam and AdamW against five-step trajectories from torch.optim (fixtures/gen_optim.py), plus state and errors.
import { readFileSync } from 'node:fs';
import { fromArray, type NDArray } from '@adder/tensor';
import { describe, expect, it } from 'vitest';
import { Adam, AdamW, SGD } from '../src/index';
import type { OptimParam, Optimizer } from '../src/optim/optimizer';

interface Golden {
  p0: number[][];
  c: number[][];
  lrs: number[];
  cases: Record<string, { optimizer: string; options: Record<string, unknown>; groups: Record<string, number>[] | null; trajectory: number[][][] }>;
}
const golden = JSON.parse(readFileSync(new URL('./fixtures/optim-golden.json', import.meta.url), 'utf8')) as Golden;

function makeParam(values: number[]): OptimParam {
  return { data: fromArray(values, 'float64'), grad: null, requiresGrad: true };
}
function values(p: OptimParam): number[] {
  return Array.from(p.data.toTyped());
}
// g = p^3 - 0.5 p + c, elementwise (the gradient the fixture used)
function setGrad(p: OptimParam, c: number[]): void {
  const v = values(p).map((x, i) => x ** 3 - 0.5 * x + c[i]!);
  p.grad = { data: fromArray(v, 'float64') };
}
function camel(opts: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(opts)) out[k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())] = v;
  return out;
}
type AnyOptimizer = Optimizer<{ lr: number }>;
function build(name: string, params: OptimParam[]): AnyOptimizer {
  const spec = golden.cases[name]!;
  const opts = camel(spec.options) as { lr: number };
  const groups = spec.groups === null ? params : params.map((p, i) => ({ params: [p], ...camel(spec.groups![i]!) }));
  const ctor = { SGD, Adam, AdamW }[spec.optimizer as 'SGD' | 'Adam' | 'AdamW'] as unknown as new (p: unknown, o: unknown) => AnyOptimizer;
  return new ctor(groups, opts);
}
function runSteps(opt: AnyOptimizer, params: OptimParam[], from: number, to: number, base: number[]): number[][][] {
  const traj: number[][][] = [];
  for (let s = from; s < to; s++) {
    opt.paramGroups.forEach((g, i) => (g.lr = (golden.lrs[s]! * base[i]!) / 0.1));
    params.forEach((p, i) => setGrad(p, golden.c[i]!));
    opt.step();
    traj.push(params.map(values));
  }
  return traj;
}
function expectClose(actual: number[][][], expected: number[][][]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((step, s) =>
    step.forEach((p, i) => p.forEach((v, j) => expect(v).toBeCloseTo(expected[s]![i]![j]!, 12))),
  );
}

describe('optimisers vs torch.optim five-step trajectories', () => {
  for (const name of Object.keys(golden.cases)) {
    it(name, () => {
      const params = golden.p0.map(makeParam);
      const opt = build(name, params);
      const base = opt.paramGroups.map((g) => g.lr);
      expectClose(runSteps(opt, params, 0, 5, base), golden.cases[name]!.trajectory);
    });
    it(`${name}: resumes from stateDict after two steps`, () => {
      const params = golden.p0.map(makeParam);
      const opt = build(name, params);
      const base = opt.paramGroups.map((g) => g.lr);
      runSteps(opt, params, 0, 2, base);
      const sd = opt.stateDict();
      const meta = JSON.parse(JSON.stringify(sd.meta)) as typeof sd.meta;
      const copies = params.map((p) => makeParam(values(p)));
      const resumed = build(name, copies);
      resumed.loadStateDict({ tensors: sd.tensors, meta });
      expectClose(runSteps(resumed, copies, 2, 5, base), golden.cases[name]!.trajectory.slice(2));
    });
  }

  it('SGD first step by hand: p = 2, g = 2^3 - 1 + 0.3 = 7.3, p - 0.1*7.3 = 1.27', () => {
    const p = makeParam([2]);
    const opt = new SGD([p], { lr: 0.1 });
    setGrad(p, [0.3]);
    opt.step();
    expect(values(p)[0]).toBeCloseTo(1.27, 14);
  });

  it('SGD momentum: the first buffer is d_p without dampening, then m*buf + (1-damp)*d_p', () => {
    const p = makeParam([1]);
    const opt = new SGD([p], { lr: 1, momentum: 0.5, dampening: 0.5 });
    p.grad = { data: fromArray([2], 'float64') };
    opt.step(); // buf = 2, p = 1 - 2 = -1
    expect(values(p)[0]).toBeCloseTo(-1, 14);
    p.grad = { data: fromArray([2], 'float64') };
    opt.step(); // buf = 0.5*2 + 0.5*2 = 2, p = -3
    expect(values(p)[0]).toBeCloseTo(-3, 14);
    expect(Array.from(opt.stateDict().tensors['state.0.momentum_buffer']!.toTyped())).toEqual([2]);
  });
});

describe('optimiser behaviour', () => {
  it('skips frozen parameters and parameters without a gradient', () => {
    const frozen = makeParam([1, 2]);
    frozen.requiresGrad = false;
    frozen.grad = { data: fromArray([5, 5], 'float64') };
    const noGrad = makeParam([3]);
    for (const opt of [new SGD([frozen, noGrad], { lr: 0.1, momentum: 0.9 }), new AdamW([frozen, noGrad])]) {
      opt.step();
      expect(values(frozen)).toEqual([1, 2]);
      expect(values(noGrad)).toEqual([3]);
      expect(opt.state.size).toBe(0);
    }
  });

  it('zeroGrad sets gradients to null', () => {
    const p = makeParam([1]);
    p.grad = { data: fromArray([1], 'float64') };
    new SGD([p], { lr: 0.1 }).zeroGrad();
    expect(p.grad).toBeNull();
  });

  it('rejects bad options with errors naming the optimiser and option', () => {
    const p = makeParam([1]);
    expect(() => new SGD([p], { lr: 0.1, nesterov: true })).toThrow(/SGD: Nesterov momentum requires momentum > 0 and dampening = 0/);
    expect(() => new SGD([p], { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true })).toThrow(/dampening 0.1/);
    expect(() => new SGD([p], { lr: -1 })).toThrow(/SGD: invalid lr/);
    expect(() => new Adam([p], { betas: [1, 0.9] })).toThrow(/Adam: invalid beta1/);
    expect(() => new AdamW([p], { eps: -1 })).toThrow(/AdamW: invalid eps/);
    expect(() => new SGD([{ params: [p] }, { params: [p] }], { lr: 0.1 })).toThrow(/more than one parameter group/);
    expect(() => new SGD([], { lr: 0.1 })).toThrow(/empty parameter list/);
  });

  it('a group inherits the defaults it does not override', () => {
    const a = makeParam([1]);
    const b = makeParam([1]);
    const opt = new SGD([{ params: [a] }, { params: [b], weightDecay: 0 }], { lr: 0.1, momentum: 0.9, weightDecay: 5e-4 });
    expect(opt.paramGroups.map((g) => [g.lr, g.momentum, g.weightDecay])).toEqual([[0.1, 0.9, 5e-4], [0.1, 0.9, 0]]);
  });

  it('loadStateDict reports every mismatch at once and changes nothing', () => {
    const p = makeParam([1, 2]);
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
    const bad: NDArray = fromArray([1, 2, 3], 'float64');
    const sd = {
      tensors: { 'state.0.momentum_buffer': bad, 'state.7.momentum_buffer': bad },
      meta: { optimizer: 'Adam', paramGroups: [{ lr: 0.5, params: [0] }], scalars: {} },
    };
    let message = '';
    try {
      opt.loadStateDict(sd);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/SGD.loadStateDict/);
    expect(message).toMatch(/for Adam, not SGD/);
    expect(message).toMatch(/state\.0\.momentum_buffer: shape \[3\] does not match parameter shape \[2\]/);
    expect(message).toMatch(/unexpected key state\.7\.momentum_buffer/);
    expect(opt.paramGroups[0]!.lr).toBe(0.1);
    expect(opt.state.size).toBe(0);
  });
});
