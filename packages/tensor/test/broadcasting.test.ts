// Broadcasting: broadcastShapes against a hand-written NumPy rule over random shape pairs, and binary ops
// reading broadcast operands of any layout.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TensorError, add, broadcastShapes, fromArray, mul } from '../src/index';
import { arrayOfShape, expectDense, shapeArb } from './arbitraries';
import { binaryRef, npBroadcast } from './oracle';

describe('broadcastShapes', () => {
  it('agrees with NumPy rules on random shape pairs (compatible or not)', () => {
    let ok = 0;
    let bad = 0;
    fc.assert(
      fc.property(shapeArb({ maxDims: 4, minSize: 0, maxSize: 3 }), shapeArb({ maxDims: 4, minSize: 0, maxSize: 3 }), (a, b) => {
        const want = npBroadcast(a, b);
        if (want === null) {
          bad++;
          expect(() => broadcastShapes('add', a, b)).toThrow(TensorError);
          expect(() => broadcastShapes('add', a, b)).toThrow(new RegExp(`^add: .*\\[${a.join(', ')}\\].*\\[${b.join(', ')}\\]`));
        } else {
          ok++;
          expect(broadcastShapes('add', a, b)).toEqual(want);
          expect(broadcastShapes('add', b, a)).toEqual(want);
        }
      }),
      { numRuns: 300 },
    );
    expect(ok).toBeGreaterThan(20);
    expect(bad).toBeGreaterThan(20);
  });

  it('known cases', () => {
    expect(broadcastShapes('op', [], [])).toEqual([]);
    expect(broadcastShapes('op', [3, 1], [4])).toEqual([3, 4]);
    expect(broadcastShapes('op', [0], [1])).toEqual([0]);
    expect(broadcastShapes('op', [2, 1, 5], [7, 1])).toEqual([2, 7, 5]);
    expect(() => broadcastShapes('op', [0], [2])).toThrow(/op: /);
  });
});

/** Two shapes that broadcast: both derived from one output shape by setting dims to 1 and dropping leading dims. */
const pairShapeArb = shapeArb({ maxDims: 4, maxSize: 3 }).chain((out) =>
  fc.tuple(
    fc.constant(out),
    fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }),
    fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }),
    fc.integer({ min: 0, max: out.length }),
    fc.integer({ min: 0, max: out.length }),
  ).map(([o, ma, mb, da, db]) => {
    const a = o.map((d, i) => (ma[i] ? 1 : d)).slice(da);
    const b = o.map((d, i) => (mb[i] ? 1 : d)).slice(db);
    return [a, b] as const;
  }),
);

describe('binary ops broadcast operands of any layout', () => {
  it('add and mul match the broadcasting oracle', () => {
    const arb = pairShapeArb.chain(([sa, sb]) => fc.tuple(arrayOfShape(sa, 'float64'), arrayOfShape(sb, 'float64')));
    fc.assert(
      fc.property(arb, ([a, b]) => {
        expectDense(add(a.arr, b.arr), binaryRef(a.ref, b.ref, (x, y) => x + y));
        expectDense(mul(b.arr, a.arr), binaryRef(b.ref, a.ref, (x, y) => x * y));
      }),
      { numRuns: 100 },
    );
  });

  it('non-broadcastable operands throw naming the op and both shapes', () => {
    const a = fromArray([[1, 2, 3]]);
    const b = fromArray([[1, 2]]);
    expect(() => add(a, b)).toThrow(TensorError);
    expect(() => add(a, b)).toThrow(/^add: shapes \[1, 3\] and \[1, 2\] are not broadcastable/);
    expect(() => mul(a, b)).toThrow(/^mul: /);
  });
});
