// Every view/layout Function passes gradcheck on drawn shapes and layouts; narrow (a composite of slice)
// agrees with NDArray.narrow and a naive oracle over negative starts and lengths, and passes gradcheck.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AutogradError, gradcheck, narrow, tensor, type Tensor } from '@adder/autograd';
import { makeTensor, shapeArb, LAYOUTS } from '@adder/autograd/testing';
import { cases } from './views.cases';

describe('view Functions pass gradcheck', () => {
  for (const [name, c] of Object.entries(cases)) it(name, () => c.check());
});

/** A drawn tensor, an axis (possibly negative) and a start/length pair in and around the valid range. */
const narrowArb = shapeArb({ maxDims: 3 }).chain((shape) =>
  fc
    .tuple(fc.constantFrom(...LAYOUTS), fc.integer({ min: 1, max: 0x7fffffff }), fc.integer({ min: -shape.length, max: shape.length - 1 }))
    .chain(([layout, seed, axis]) => {
      const d = shape[axis < 0 ? axis + shape.length : axis]!;
      return fc.tuple(fc.constant(makeTensor(shape, layout, seed)), fc.constant(axis), fc.integer({ min: -d - 1, max: d + 1 }), fc.integer({ min: -2, max: d + 1 }));
    }),
);

/** torch.narrow's rule, written out: start in [-d, d] (negative counts from the end), 0 <= length, start + length <= d. */
function naiveNarrow(x: Tensor, axis: number, start: number, length: number): { shape: number[]; values: number[] } | null {
  const ax = axis < 0 ? axis + x.ndim : axis;
  const d = x.shape[ax]!;
  const s = start < 0 ? start + d : start;
  if (s < 0 || length < 0 || s + length > d) return null;
  const shape = x.shape.map((n, i) => (i === ax ? length : n));
  const values: number[] = [];
  const idx = shape.map(() => 0);
  const total = shape.reduce((p, n) => p * n, 1);
  for (let k = 0; k < total; k++) {
    let r = k;
    for (let i = shape.length - 1; i >= 0; i--) {
      idx[i] = r % shape[i]!;
      r = Math.floor(r / shape[i]!);
    }
    values.push(x.data.get(...idx.map((v, i) => (i === ax ? v + s : v))));
  }
  return { shape, values };
}

describe('narrow', () => {
  it('takes a negative start as torch does: x.narrow(0, -1, 1) is the last row', () => {
    const x = tensor([[1, 2], [3, 4], [5, 6]], { dtype: 'float64', requiresGrad: true });
    const y = x.narrow(0, -1, 1);
    expect(y.toArray()).toEqual([[5, 6]]);
    expect(narrow(x, 1, -2, 2).toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
    y.sum().backward();
    expect(x.grad!.toArray()).toEqual([[0, 0], [0, 0], [1, 1]]);
  });

  it('agrees with NDArray.narrow and a naive oracle over negative starts and lengths, on drawn layouts', () => {
    fc.assert(
      fc.property(narrowArb, ([x, axis, start, length]) => {
        const want = naiveNarrow(x, axis, start, length);
        if (want === null) {
          expect(() => narrow(x, axis, start, length)).toThrow(AutogradError);
          expect(() => x.data.narrow(axis, start, length)).toThrow(/narrow/);
          return;
        }
        const got = narrow(x, axis, start, length);
        const nd = x.data.narrow(axis, start, length);
        expect(got.shape).toEqual(want.shape);
        expect(nd.shape).toEqual(want.shape);
        expect(Array.from(got.data.toTyped())).toEqual(want.values);
        expect(Array.from(nd.toTyped())).toEqual(want.values);
      }),
      { numRuns: 300 },
    );
  });

  it('passes gradcheck with negative starts', () => {
    fc.assert(
      fc.property(narrowArb, ([x, axis, start, length]) => {
        fc.pre(naiveNarrow(x, axis, start, length) !== null && start < 0);
        gradcheck((t) => narrow(t, axis, start, length), [x]);
      }),
      { numRuns: 40 },
    );
  });

  it('names the op when the range does not fit', () => {
    const x = tensor([1, 2, 3]);
    expect(() => x.narrow(0, -4, 1)).toThrow(/narrow: start -4 \+ length 1 exceeds dim 0 of size 3/);
    expect(() => x.narrow(0, -1, 2)).toThrow(/narrow: start -1 \+ length 2 exceeds dim 0 of size 3/);
    expect(() => x.narrow(0, 0, -1)).toThrow(/narrow:/);
  });
});
