// The element-wise losses and crossEntropy's modes ((N, C, d...) inputs, class weights, probability targets,
// -Inf logits): torch's values and gradients (fixtures/layers-golden.json, tools/golden/gen_layers.py),
// gradcheck and a naive loop over drawn layouts, one-line errors.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Tensor, gradcheck, tensor } from '@adder/autograd';
import { checkGoldenCase, loadGoldenCases, makeTensor, tensorArb, LAYOUTS, type GoldenCall } from '@adder/autograd/testing';
import type { NDArray } from '@adder/tensor';
import { binaryCrossEntropyWithLogits, crossEntropy, l1Loss, mseLoss, smoothL1Loss, type Reduction } from '../src/index';

const golden = loadGoldenCases(new URL('./fixtures/layers-golden.json', import.meta.url));
type O = Record<string, unknown>;
const red = (o: O): Reduction => o.reduction as Reduction;
const calls: Record<string, GoldenCall> = {
  l1Loss: ({ input, target }, _c, o) => l1Loss(input!, target!, { reduction: red(o) }),
  mseLoss: ({ input, target }, _c, o) => mseLoss(input!, target!, { reduction: red(o) }),
  smoothL1Loss: ({ input, target }, _c, o) => smoothL1Loss(input!, target!, { reduction: red(o), beta: o.beta as number }),
  binaryCrossEntropyWithLogits: ({ input, target }, c, o) =>
    binaryCrossEntropyWithLogits(input!, target!, { reduction: red(o), weight: c.weight ?? null, posWeight: c.posWeight ?? null }),
  crossEntropy: ({ input, target }, c, o) =>
    crossEntropy(input!, target ?? c.target!, {
      reduction: red(o),
      weight: c.weight ?? null,
      ...(o.ignoreIndex !== undefined ? { ignoreIndex: o.ignoreIndex as number } : {}),
      ...(o.labelSmoothing !== undefined ? { labelSmoothing: o.labelSmoothing as number } : {}),
    }),
};

describe("losses match torch's values and gradients (float64)", () => {
  for (const c of golden.filter((g) => g.op in calls)) it(c.name, () => checkGoldenCase(c, calls[c.op]!));
});

/** Naive per-element losses of x against t (flat row-major values). */
const naive = {
  l1: (x: number, t: number) => Math.abs(x - t),
  smoothL1: (beta: number) => (x: number, t: number) => (Math.abs(x - t) < beta ? (0.5 * (x - t) ** 2) / beta : Math.abs(x - t) - 0.5 * beta),
  bce: (p: number) => (x: number, t: number) => -(p * t * Math.log(1 / (1 + Math.exp(-x))) + (1 - t) * Math.log(1 / (1 + Math.exp(x)))),
};
const flat = (a: NDArray): number[] => Array.from(a.contiguous().toTyped());

describe('over drawn layouts', () => {
  const layout = fc.constantFrom(...LAYOUTS);
  const shape = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 });
  it('l1Loss, smoothL1Loss and binaryCrossEntropyWithLogits (reduction none) equal the naive loop', () => {
    fc.assert(
      fc.property(shape, layout, layout, fc.double({ min: 0.1, max: 2, noNaN: true }), fc.integer(), (s, lx, lt, beta, seed) => {
        const x = makeTensor(s, lx, seed, { min: -3, max: 3 }, false);
        const t = makeTensor(s, lt, seed + 1, { min: 0, max: 1 }, false);
        const xs = flat(x.data);
        const ts = flat(t.data);
        const check = (got: Tensor, f: (x: number, t: number) => number): void =>
          xs.forEach((xi, i) => expect(Math.abs(flat(got.data)[i]! - f(xi, ts[i]!))).toBeLessThanOrEqual(1e-12));
        check(l1Loss(x, t, { reduction: 'none' }), naive.l1);
        check(smoothL1Loss(x, t, { reduction: 'none', beta }), naive.smoothL1(beta));
        check(binaryCrossEntropyWithLogits(x, t, { reduction: 'none' }), naive.bce(1));
        check(binaryCrossEntropyWithLogits(x, t, { reduction: 'none', posWeight: tensor([2.5], { dtype: 'float64' }) }), naive.bce(2.5));
      }),
      { numRuns: 60 },
    );
  });

  it('crossEntropy over (N, C, d) equals the naive weighted mean, with ignored targets', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 2, max: 4 }), fc.integer({ min: 1, max: 3 }), layout, fc.integer(), (n, c, d, lx, seed) => {
        const x = makeTensor([n, c, d], lx, seed, { min: -3, max: 3 }, false);
        const w = makeTensor([c], 'contiguous', seed + 1, { min: 0.1, max: 2 }, false);
        const targets = Array.from({ length: n * d }, (_, i) => ((seed + i * 7) % (c + 1) + c + 1) % (c + 1)).map((v) => (v === c ? -100 : v));
        const t = tensor(targets, { dtype: 'int32' }).reshape([n, d]);
        let num = 0;
        let den = 0;
        const wv = flat(w.data);
        for (let b = 0; b < n; b++)
          for (let j = 0; j < d; j++) {
            const ti = targets[b * d + j]!;
            if (ti === -100) continue;
            const row = Array.from({ length: c }, (_, k) => x.data.get(b, k, j));
            const m = Math.max(...row);
            const lse = m + Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0));
            num += wv[ti]! * (lse - row[ti]!);
            den += wv[ti]!;
          }
        const got = crossEntropy(x, t, { weight: w }).item();
        if (den === 0) expect(got).toBeNaN();
        else expect(Math.abs(got - num / den)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(num / den)));
      }),
      { numRuns: 60 },
    );
  });

  it('the losses pass gradcheck (float64), also through the target where torch differentiates it', () => {
    const pairs = shape.chain((s) => fc.tuple(tensorArb(s, { min: -2, max: 2, kinks: [0] }), tensorArb(s, { min: 0, max: 1 })));
    const problems = fc.oneof(
      pairs.map(([x, t]) => ({ inputs: [x, t], fn: (x: Tensor, t: Tensor) => binaryCrossEntropyWithLogits(x, t, { posWeight: tensor([1.5], { dtype: 'float64' }) }) })),
      // input - target kept away from 0 (l1's kink) and from beta (where smoothL1 is C1 only)
      pairs.map(([x, t]) => ({ inputs: [x], fn: (x: Tensor) => l1Loss(x, t.add(10)) })),
      pairs.map(([x, t]) => ({ inputs: [x, t], fn: (x: Tensor, t: Tensor) => smoothL1Loss(x, t, { beta: 5 }) })),
      fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 2, max: 4 })).chain(([n, c]) =>
        fc.tuple(tensorArb([n, c, 2], { min: -3, max: 3 }), tensorArb([n, c, 2], { min: 0, max: 1 })).map(([x, p]) => ({
          inputs: [x, p],
          fn: (x: Tensor, p: Tensor) => crossEntropy(x, p, { labelSmoothing: 0.1 }),
        })),
      ),
    );
    fc.assert(fc.property(problems, (p) => gradcheck(p.fn, p.inputs)), { numRuns: 40 });
  });
});

describe('crossEntropy edge cases as torch', () => {
  it('a -Inf logit of another class gives a finite loss and gradient (issue 19)', () => {
    const x = tensor([[0.5, -Infinity, 1.0], [-Infinity, 2.0, 0.0]], { dtype: 'float64', requiresGrad: true });
    const loss = crossEntropy(x, [2, 1]);
    expect(Number.isFinite(loss.item())).toBe(true);
    loss.backward();
    expect(Array.from(x.grad!.data.toTyped()).every(Number.isFinite)).toBe(true);
  });
  it('refuses bad shapes and options in one line naming the op', () => {
    const x = makeTensor([2, 3, 4], 'contiguous', 1, {}, false);
    expect(() => crossEntropy(x, tensor([0, 1], { dtype: 'int32' }))).toThrow(/^crossEntropy: expected a target of class indices of shape \[2, 4\] \(or class probabilities of the input's shape\), got int32 \[2\]$/);
    expect(() => crossEntropy(x, makeTensor([2, 3, 4], 'contiguous', 2, {}, false), { ignoreIndex: 1 })).toThrow(/^crossEntropy: ignoreIndex 1 applies to class-index targets, not to probability targets$/);
    expect(() => smoothL1Loss(x, x, { beta: -1 })).toThrow(/^smoothL1Loss: beta must be a finite number >= 0, got -1$/);
    expect(() => l1Loss(x, x.narrow(2, 0, 2))).toThrow(/^l1Loss: input shape \[2, 3, 4\] and target shape \[2, 3, 2\] differ$/);
    expect(() => binaryCrossEntropyWithLogits(x, x, { posWeight: makeTensor([3], 'contiguous', 3, {}, false) })).toThrow(/^binaryCrossEntropyWithLogits: posWeight of shape \[3\] does not broadcast to the input's shape \[2, 3, 4\]$/);
    expect(() => binaryCrossEntropyWithLogits(x, x, { pos_weight: 1 } as never)).toThrow(/^binaryCrossEntropyWithLogits: unknown option 'pos_weight'/);
  });
});
