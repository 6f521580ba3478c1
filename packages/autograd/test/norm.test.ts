// norm: gradcheck through norm.cases.ts, a naive oracle over drawn layouts for every order, and torch's values
// and gradients, at zeros and ties too (reductions-golden.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { norm, type NormOrder } from '@adder/autograd';
import { arg, describeGolden } from './reductions-golden';
import { axesArb } from '@adder/autograd/testing';
import { reduceRef } from '@adder/tensor/testing';
import { checkFloat32, checkOverLayouts } from './layout-oracle';
import { tensor } from '@adder/autograd';
import { cases } from './norm.cases';

describe('norm Functions pass gradcheck', () => {
  for (const [name, c] of Object.entries(cases)) it(name, () => c.check());
});

describeGolden(['norm'], (c, x) => norm(x, arg<NormOrder>(c, 'p'), arg<number[] | undefined>(c, 'dim'), arg<boolean | undefined>(c, 'keepdim') ?? false));

/** ||xs||_p from the definition. */
function pNorm(xs: number[], p: number): number {
  const abs = xs.map(Math.abs);
  if (p === Infinity) return Math.max(...abs);
  if (p === -Infinity) return Math.min(...abs);
  if (p === 0) return abs.filter((v) => v !== 0).length;
  return abs.reduce((s, v) => s + v ** p, 0) ** (1 / p);
}

describe('norm over drawn layouts (naive oracle; gradient as on a contiguous copy)', () => {
  for (const p of [2, 1, Infinity, -Infinity, 0, 3, 0.5]) {
    it(`p = ${p}`, () => {
      checkOverLayouts(
        (s) => fc.tuple(axesArb(s.length), fc.boolean()),
        (x, [axes, k]) => norm(x, p, axes, k),
        (x, [axes, k]) => reduceRef(x, axes === undefined ? x.shape.map((_, i) => i) : axes.map((a) => (a < 0 ? a + x.shape.length : a)), k, (xs) => pNorm(xs, p)),
        { spec: { min: -1, max: 1, lattice: { step: 0.25, offset: 0 } }, numRuns: 30 },
      );
    });
  }
});

describe('norm arguments', () => {
  it("defaults to 'fro' over everything, as torch.norm(x)", () => {
    const x = tensor([[3, 0], [0, -4]], { dtype: 'float64' });
    expect(x.norm().item()).toBe(5);
    expect(norm(x, 1, 0).toArray()).toEqual([3, 4]);
    // dim [] is every dim, as torch.norm(x, 2, [])
    expect(norm(x, 2, []).item()).toBe(5);
    expect(norm(x, Infinity, [], true).toArray()).toEqual([[4]]);
  });
  it('refuses what it does not do, naming the op', () => {
    const x = tensor([[1, 2]], { dtype: 'float64' });
    expect(() => norm(x, 'nuc' as never)).toThrow(`norm: p must be a number, Infinity, -Infinity or 'fro' (the nuclear norm 'nuc' is not supported), got "nuc"`);
    expect(() => norm(tensor([[[1]]], { dtype: 'float64' }), 'fro', [0, 1, 2])).toThrow("norm: 'fro' takes at most 2 dims, got [0,1,2]");
    expect(() => norm(x, NaN)).toThrow(/norm: p must be a number/);
    expect(() => norm(x, 2, 5)).toThrow(/norm/);
    expect(() => norm(tensor(Int32Array.from([1, 2])), 2)).toThrow(/norm/);
  });
});

describe('norm in float32', () => {
  it('gives float32 results and gradients close to float64, for every order', () => {
    for (const p of [2, 1, Infinity, -Infinity, 0, 3, 0.5]) {
      checkFloat32((s) => axesArb(s.length), (x, axes) => norm(x, p, axes), { spec: { min: 0.2, max: 1, distinct: true }, numRuns: 10 });
    }
  });
});
