// Shape arithmetic: contiguous strides, element counts, axis normalisation, against index-arithmetic definitions.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TensorError, contiguousStrides, normalizeAxes, normalizeAxis, numelOf, sameShape } from '../src/index';
import { shapeArb } from './arbitraries';
import { numel, ravel } from './oracle';

describe('shape arithmetic', () => {
  it('contiguous stride k is the flat position of the unit index e_k; numelOf is the product', () => {
    fc.assert(
      fc.property(shapeArb({ maxDims: 5, minSize: 0, maxSize: 5 }), (shape) => {
        const strides = contiguousStrides(shape);
        shape.forEach((d, k) => {
          if (d > 1) expect(strides[k]).toBe(ravel(shape.map((_, j) => (j === k ? 1 : 0)), shape));
        });
        expect(numelOf(shape)).toBe(numel(shape));
        expect(sameShape(shape, [...shape])).toBe(true);
        expect(sameShape(shape, [...shape, 1])).toBe(false);
      }),
      { numRuns: 60 },
    );
  });

  it('normalizeAxis maps -n..n-1 onto 0..n-1 and refuses anything else, naming the op', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: -8, max: 8 }), (n, ax) => {
        if (ax >= -n && ax < n) expect(normalizeAxis('op', ax, n)).toBe(ax < 0 ? ax + n : ax);
        else expect(() => normalizeAxis('op', ax, n)).toThrow(TensorError);
      }),
      { numRuns: 100 },
    );
    expect(() => normalizeAxis('myop', 1.5, 3)).toThrow(/^myop: axis 1.5/);
  });

  it('normalizeAxes: undefined means all, results sorted, repeats refused, 0-d accepts 0 and -1', () => {
    expect(normalizeAxes('op', undefined, 3)).toEqual([0, 1, 2]);
    expect(normalizeAxes('op', [-1, 0], 3)).toEqual([0, 2]);
    expect(normalizeAxes('op', 1, 3)).toEqual([1]);
    expect(() => normalizeAxes('op', [1, -2], 3)).toThrow(/^op: axis -2 repeated/);
    expect(normalizeAxes('op', 0, 0)).toEqual([]);
    expect(normalizeAxes('op', -1, 0)).toEqual([]);
    expect(() => normalizeAxes('op', 1, 0)).toThrow(/^op: axis 1/);
  });
});
