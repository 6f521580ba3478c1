// Every reduction Function passes gradcheck on drawn shapes, layouts and axes; std against a naive oracle over
// drawn layouts, its arguments as torch's, and torch's values and gradients (reductions-golden.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { std, tensor, variance } from '@adder/autograd';
import { axesArb } from '@adder/autograd/testing';
import { reduceRef } from '@adder/tensor/testing';
import { checkFloat32, checkOverLayouts } from './layout-oracle';
import { arg, describeGolden } from './reductions-golden';
import { cases } from './reduce.cases';

describe('reduction Functions pass gradcheck', () => {
  for (const [name, c] of Object.entries(cases)) it(name, () => c.check());
});

describeGolden(['std'], (c, x) => {
  const keepdim = arg<boolean | undefined>(c, 'keepdim') ?? false;
  const correction = arg<number | undefined>(c, 'correction');
  const unbiased = arg<boolean | undefined>(c, 'unbiased');
  return std(x, arg<number[] | undefined>(c, 'dim'), correction !== undefined ? { keepdim, correction } : unbiased !== undefined ? { keepdim, unbiased } : { keepdim });
});

describe('std over drawn layouts (naive oracle; gradient as on a contiguous copy)', () => {
  it('sqrt(sum (x - mean)^2 / (n - correction)), for correction 0, 1, 2', () => {
    checkOverLayouts(
      (s) => fc.tuple(axesArb(s.length), fc.boolean(), fc.integer({ min: 0, max: 2 })),
      (x, [axes, k, c]) => std(x, axes, { keepdim: k, correction: c }),
      (x, [axes, k, c]) =>
        reduceRef(x, axes === undefined ? x.shape.map((_, i) => i) : axes.map((a) => (a < 0 ? a + x.shape.length : a)), k, (xs) => {
          const m = xs.reduce((p, v) => p + v, 0) / xs.length;
          return Math.sqrt(xs.reduce((p, v) => p + (v - m) ** 2, 0) / Math.max(0, xs.length - c));
        }),
      { spec: { min: -1, max: 1, lattice: { step: 0.25, offset: 0 } } },
    );
  });

  it('is exactly 0 over a constant (e.g. broadcast) group, where the gradient is 0 as torch', () => {
    const x = tensor([[0.1], [0.7]], { dtype: 'float64', requiresGrad: true });
    const y = std(x.expand([2, 7]), 1);
    expect(y.toArray()).toEqual([0, 0]);
    y.sum().backward();
    expect(x.grad!.toArray()).toEqual([[0], [0]]);
  });
});

describe('std arguments', () => {
  it('takes torch keywords and names the op otherwise', () => {
    const x = tensor([[1, 2, 4]], { dtype: 'float64' });
    expect(x.std(1, { unbiased: false }).item()).toBeCloseTo(Math.sqrt(14 / 9), 14);
    expect(x.std().item()).toBeCloseTo(Math.sqrt(7 / 3), 14);
    expect(x.std(1, { correction: 3 }).item()).toBe(Infinity);
    // dim [] is every dim, as torch.std(x, [])
    expect(x.std([]).item()).toBe(x.std().item());
    expect(() => std(x, 1, { unbiased: true, correction: 1 })).toThrow('std: give unbiased or correction, not both');
    expect(() => std(x, 1, { correction: 0.5 })).toThrow('std: correction must be a non-negative integer, got 0.5');
    expect(() => std(x, 1, { keepDim: true } as never)).toThrow("std: unknown option 'keepDim' (expected one of unbiased, correction, keepdim)");
    expect(() => std(x, 4)).toThrow(/std/);
  });
});

describe('std in float32', () => {
  it('gives float32 results and gradients close to float64', () => {
    checkFloat32((s) => axesArb(s.length), (x, axes) => std(x, axes, { unbiased: false }), { spec: { distinct: true } });
  });
});

describe('var with correction (torch.var(x, dim, correction=c))', () => {
  it('divides by n - correction, over drawn layouts (naive oracle), and its keywords are checked as std', () => {
    checkOverLayouts(
      (s) => fc.tuple(axesArb(s.length), fc.boolean(), fc.integer({ min: 0, max: 2 })),
      (x, [axes, k, c]) => variance(x, axes, { keepdim: k, correction: c }),
      (x, [axes, k, c]) =>
        reduceRef(x, axes === undefined ? x.shape.map((_, i) => i) : axes.map((a) => (a < 0 ? a + x.shape.length : a)), k, (xs) => {
          const m = xs.reduce((p, v) => p + v, 0) / xs.length;
          return xs.reduce((p, v) => p + (v - m) ** 2, 0) / Math.max(0, xs.length - c);
        }),
      { spec: { min: -1, max: 1, lattice: { step: 0.25, offset: 0 } } },
    );
    const x = tensor([[1, 2, 4]], { dtype: 'float64' });
    expect(x.var(1, { correction: 0 }).item()).toBe(x.var(1, { unbiased: false }).item());
    expect(() => x.var(1, { unbiased: false, correction: 0 })).toThrow('var: give unbiased or correction, not both');
    expect(() => x.var(1, { correction: -1 })).toThrow('var: correction must be a non-negative integer, got -1');
  });
});
