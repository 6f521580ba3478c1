// max/min (over everything; along a dim with indices), amax/amin: gradcheck through extrema.cases.ts, a naive oracle
// over drawn layouts with ties, and torch's values, indices and gradients (reductions-golden.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { axesArb } from '@adder/autograd/testing';
import { reduceRef } from '@adder/tensor/testing';
import { checkFloat32, checkOverLayouts, denseOf, expectDense } from './layout-oracle';
import { amax, amin, max, min, tensor } from '@adder/autograd';
import { arg, describeGolden } from './reductions-golden';
import { cases } from './extrema.cases';

describe('extrema Functions pass gradcheck', () => {
  for (const [name, c] of Object.entries(cases)) it(name, () => c.check());
});

describeGolden(['maxDim', 'minDim', 'max', 'min', 'amax', 'amin'], (c, x) => {
  const dim = arg<number | number[] | undefined>(c, 'dim');
  const keepdim = arg<boolean | undefined>(c, 'keepdim') ?? false;
  if (c.op === 'maxDim') return max(x, dim as number, keepdim);
  if (c.op === 'minDim') return min(x, dim as number, keepdim);
  if (c.op === 'max') return max(x);
  if (c.op === 'min') return min(x);
  return (c.op === 'amax' ? amax : amin)(x, dim, keepdim);
});

/** The dims `axes` name in an n-d shape (all when undefined). */
const dimsOf = (axes: number[] | undefined, nd: number): number[] => (axes === undefined ? Array.from({ length: nd }, (_, i) => i) : axes.map((a) => (a < 0 ? a + nd : a)));
/** The first index of the extremum of a row. */
function firstIndex(xs: number[], better: (u: number, v: number) => boolean): number {
  let bi = 0;
  for (let i = 1; i < xs.length; i++) if (better(xs[i]!, xs[bi]!)) bi = i;
  return bi;
}
// a lattice of 5 values: ties in most rows
const ties = { spec: { min: -1, max: 1, lattice: { step: 0.5, offset: 0 } } };

describe('extrema over drawn layouts, with ties (naive oracle; gradient as on a contiguous copy)', () => {
  it('amax / amin over drawn dims', () => {
    for (const [f, pick] of [[amax, Math.max], [amin, Math.min]] as const) {
      checkOverLayouts(
        (s) => fc.tuple(axesArb(s.length), fc.boolean()),
        (x, [axes, k]) => f(x, axes, k),
        (x, [axes, k]) => reduceRef(x, dimsOf(axes, x.shape.length), k, (xs) => pick(...xs)),
        ties,
      );
    }
  });

  it('max / min along a drawn dim: values and the first index of the extremum', () => {
    for (const [f, better] of [[max, (u: number, v: number) => u > v], [min, (u: number, v: number) => u < v]] as const) {
      checkOverLayouts(
        (s) => fc.tuple(fc.integer({ min: -s.length, max: s.length - 1 }), fc.boolean()),
        (x, [dim, k]) => {
          const { values, indices } = f(x, dim, k);
          const d = dim < 0 ? dim + x.ndim : dim;
          expectDense(indices, reduceRef(denseOf(x), [d], k, (xs) => firstIndex(xs, better)), 'indices');
          expect(indices.dtype).toBe('int32');
          expect(indices.requiresGrad).toBe(false);
          return values;
        },
        (x, [dim, k]) => reduceRef(x, [dim < 0 ? dim + x.shape.length : dim], k, (xs) => xs[firstIndex(xs, better)]!),
        ties,
      );
    }
  });

  it('max / min over everything; tied elements share the gradient evenly', () => {
    checkOverLayouts(() => fc.constant(0), (x) => max(x), (x) => ({ shape: [], data: [Math.max(...x.data)] }), ties);
    checkOverLayouts(() => fc.constant(0), (x) => min(x), (x) => ({ shape: [], data: [Math.min(...x.data)] }), ties);
    const x = tensor([[1, 3, 2], [3, 0, 3]], { dtype: 'float64', requiresGrad: true });
    x.max().backward();
    expect(x.grad!.toArray()).toEqual([[0, 1 / 3, 0], [1 / 3, 0, 1 / 3]]);
  });
});

describe('extrema API', () => {
  it('x.max() is a Tensor, x.max(dim) is { values, indices } as torch.max; NaN wins', () => {
    const x = tensor([[1, NaN, 2], [4, 4, 0]], { dtype: 'float64' });
    expect(x.max(1).values.toArray()).toEqual([NaN, 4]);
    expect(x.max(1).indices.toArray()).toEqual([1, 0]);
    expect(x.min(0, true).indices.toArray()).toEqual([[0, 0, 1]]);
    expect(x.amax([0, 1]).item()).toBeNaN();
    expect(tensor([[1, 5], [7, 2]]).amax([]).item()).toBe(7);
    expect(tensor([[1, 5], [7, 2]]).amin(1).toArray()).toEqual([1, 2]);
  });

  it('bad dims name the op', () => {
    const x = tensor([[1, 2]]);
    expect(() => max(x, 2)).toThrow(/max/);
    expect(() => amin(x, [0, 0])).toThrow(/amin/);
  });
});

describe('extrema in float32', () => {
  it('give float32 results and gradients close to float64', () => {
    checkFloat32((s) => axesArb(s.length), (x, axes) => amax(x, axes), ties);
    checkFloat32((s) => fc.integer({ min: 0, max: s.length - 1 }), (x, d) => min(x, d).values, ties);
    checkFloat32(() => fc.constant(0), (x) => max(x), ties);
  });
});
