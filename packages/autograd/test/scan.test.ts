// cumsum and prod: gradcheck through scan.cases.ts, a naive oracle over drawn layouts (prod with exact zeros),
// and torch's values and gradients (reductions-golden.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cumsum, prod } from '@adder/autograd';
import { arg, describeGolden } from './reductions-golden';
import { build, at, reduceRef } from '@adder/tensor/testing';
import { checkFloat32, checkOverLayouts } from './layout-oracle';
import { AutogradError, tensor } from '@adder/autograd';
import { cases } from './scan.cases';

describe('scan Functions pass gradcheck', () => {
  for (const [name, c] of Object.entries(cases)) it(name, () => c.check());
});

describeGolden(['prod', 'cumsum'], (c, x) =>
  c.op === 'cumsum' ? cumsum(x, arg<number>(c, 'dim')) : prod(x, arg<number | undefined>(c, 'dim'), arg<boolean | undefined>(c, 'keepdim') ?? false),
);

const oneDim = (s: number[]) => fc.integer({ min: -s.length, max: s.length - 1 });
const norm = (d: number, nd: number): number => (d < 0 ? d + nd : d);

describe('cumsum and prod over drawn layouts (naive oracle; gradient as on a contiguous copy)', () => {
  it('cumsum: y[..., j, ...] = sum of x[..., i, ...] for i <= j', () => {
    checkOverLayouts(oneDim, (x, d) => cumsum(x, d), (x, d) => {
      const ax = norm(d, x.shape.length);
      return build(x.shape, (idx) => {
        let s = 0;
        for (let i = 0; i <= idx[ax]!; i++) s += at(x, idx.map((v, k) => (k === ax ? i : v)));
        return s;
      });
    });
  });

  it('prod over a drawn dim or everything, with exact zeros in most rows', () => {
    checkOverLayouts(
      (s) => fc.tuple(fc.option(oneDim(s), { nil: undefined }), fc.boolean()),
      (x, [d, k]) => prod(x, d, k),
      (x, [d, k]) => {
        const dims = d === undefined ? x.shape.map((_, i) => i) : [norm(d, x.shape.length)];
        return reduceRef(x, dims, k, (xs) => xs.reduce((p, v) => p * v, 1));
      },
      { spec: { min: -1.5, max: 1.5, lattice: { step: 0.5, offset: 0 } } },
    );
  });

  it('prod: the gradient at zeros is the product of the others (one zero), or 0 (two zeros)', () => {
    const x = tensor([[2, 0, 3], [0, 5, 0]], { dtype: 'float64', requiresGrad: true });
    x.prod(1).sum().backward();
    expect(x.grad!.toArray()).toEqual([[0, 6, 0], [0, 0, 0]]);
  });
});

describe('cumsum and prod arguments', () => {
  it('name the op', () => {
    const x = tensor([[1, 2]], { dtype: 'float64' });
    expect(() => cumsum(x, 2)).toThrow(/cumsum/);
    expect(() => prod(x, [0, 1] as never)).toThrow('prod: dim must be a number (one dim, as torch.prod), got [0,1]');
    expect(() => cumsum(x, undefined as never)).toThrow(AutogradError);
    expect(() => x.cumsum(-3)).toThrow(/cumsum/);
    expect(tensor([[1, 2], [3, 4]], { dtype: 'float64' }).cumsum(0).toArray()).toEqual([[1, 2], [4, 6]]);
  });
});

describe('cumsum and prod in float32', () => {
  it('give float32 results and gradients close to float64', () => {
    checkFloat32(oneDim, (x, d) => cumsum(x, d));
    checkFloat32((s) => fc.option(oneDim(s), { nil: undefined }), (x, d) => prod(x, d), { spec: { min: 0.5, max: 1.5 } });
  });
});
