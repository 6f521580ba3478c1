// concat and stack against naive index arithmetic on random shapes and layouts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TensorError, concat, fromArray, stack, zeros } from '../src/index';
import { seededValues } from './conv-configs';
import { LAYOUTS, withLayout } from './layouts';

describe('concat', () => {
  it('places every element at its offset along the axis', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 }).chain((shape) =>
          fc.record({
            shape: fc.constant(shape),
            axis: fc.integer({ min: -shape.length, max: shape.length - 1 }),
            sizes: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 }),
            layouts: fc.array(fc.constantFrom(...LAYOUTS), { minLength: 4, maxLength: 4 }),
            seed: fc.integer(),
          }),
        ),
        ({ shape, axis, sizes, layouts, seed }) => {
          const ax = axis < 0 ? axis + shape.length : axis;
          const parts = sizes.map((s, i) => {
            const sh = shape.map((d, k) => (k === ax ? s : d));
            const data = seededValues(seed + i, sh.reduce((a, b) => a * b, 1));
            return { sh, data, arr: withLayout(data, sh, 'float64', layouts[i]!) };
          });
          const y = concat(parts.map((p) => p.arr), axis);
          const total = sizes.reduce((a, b) => a + b, 0);
          expect(y.shape).toEqual(shape.map((d, k) => (k === ax ? total : d)));
          // naive: element (outer, j, inner) of the output comes from the part that owns j
          const outer = shape.slice(0, ax).reduce((a, b) => a * b, 1);
          const inner = shape.slice(ax + 1).reduce((a, b) => a * b, 1);
          const want: number[] = [];
          for (let o = 0; o < outer; o++)
            for (const p of parts)
              for (let j = 0; j < p.sh[ax]!; j++)
                for (let i = 0; i < inner; i++) want.push(p.data[(o * p.sh[ax]! + j) * inner + i]!);
          expect(Array.from(y.toTyped())).toEqual(want);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('rejects an empty list, mixed dtypes and mismatched shapes', () => {
    expect(() => concat([])).toThrow(/concat: expected a non-empty list/);
    expect(() => concat([zeros([2]), zeros([2], 'float64')])).toThrow(/concat: array 1 has dtype float64/);
    expect(() => concat([zeros([2, 3]), zeros([2, 4])], 0)).toThrow(/concat: array 1 has shape \[2, 4\], incompatible with \[2, 3\] along axis 0/);
    expect(() => concat([zeros([2, 3]), zeros([2, 3])], 2)).toThrow(TensorError);
  });
});

describe('stack', () => {
  it('adds a new axis: stack(xs, axis)[.., i, ..] = xs[i]', () => {
    const a = fromArray([[1, 2], [3, 4]]);
    const b = fromArray([[5, 6], [7, 8]]);
    expect(stack([a, b]).toArray()).toEqual([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]);
    expect(stack([a, b], 1).toArray()).toEqual([[[1, 2], [5, 6]], [[3, 4], [7, 8]]]);
    expect(stack([a, b.transpose()], -1).toArray()).toEqual([[[1, 5], [2, 7]], [[3, 6], [4, 8]]]);
    expect(stack([fromArray([1, 2])], 0).shape).toEqual([1, 2]);
  });

  it('rejects unequal shapes', () => {
    expect(() => stack([zeros([2]), zeros([3])])).toThrow(/stack: array 1 has shape \[3\], expected \[2\]/);
  });
});
