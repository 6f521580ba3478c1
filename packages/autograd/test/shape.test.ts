// flip, repeat (Functions: gradcheck through shape.cases.ts), split, chunk, t and mT (compositions of narrow and
// transpose: gradchecked here); all against naive oracles over drawn layouts, and torch's rules for their arguments.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gradcheck } from '@adder/autograd';
import { shapeArb, tensorArb } from '@adder/autograd/testing';
import { at, build, flipRef, permuteRef, sliceRef, type Dense } from '@adder/tensor/testing';
import { checkFloat32, checkOverLayouts, denseOf, expectDense } from './layout-oracle';
import { AutogradError, chunk, flip, repeat, split, t, tensor, stack, cat, type Tensor } from '@adder/autograd';
import { cases } from './shape.cases';

describe('shape Functions pass gradcheck', () => {
  for (const [name, c] of Object.entries(cases)) it(name, () => c.check());
});

const small = { shapes: shapeArb({ maxDims: 3 }) };

/** torch.split's pieces: sizes from an int (the last smaller) or the given list. */
function splitSizes(d: number, s: number | number[]): number[] {
  if (Array.isArray(s)) return s;
  const out: number[] = [];
  for (let start = 0; start < d; start += s) out.push(Math.min(s, d - start));
  return out.length === 0 ? [0] : out;
}
/** Sizes adding up to d: a drawn cut of 0..d. */
const sizesArb = (d: number) => fc.array(fc.integer({ min: 0, max: d }), { maxLength: 3 }).map((cuts) => {
  const c = [0, ...cuts.sort((u, v) => u - v), d];
  return c.slice(1).map((v, i) => v - c[i]!);
});
/** Every piece of a split stacked back along a new leading dim (pieces may differ in size: concatenated instead). */
const joined = (pieces: Tensor[], ax: number): Tensor => cat(pieces, ax);

describe('shape ops over drawn layouts (naive oracle; gradient as on a contiguous copy)', () => {
  it('flip', () => {
    checkOverLayouts((s) => fc.subarray(s.map((_, i) => i), { minLength: 1 }), (x, dims) => flip(x, dims), (x, dims) => flipRef(x, dims));
  });

  it('repeat: out[i] = x[i mod size] over x padded with leading 1s', () => {
    checkOverLayouts(
      (s) => fc.array(fc.integer({ min: 1, max: 3 }), { minLength: s.length, maxLength: s.length + 2 }),
      (x, sizes) => x.repeat(sizes),
      (x, sizes) => {
        const padded = [...sizes.slice(0, sizes.length - x.shape.length).map(() => 1), ...x.shape];
        const p: Dense = { shape: padded, data: x.data };
        return build(padded.map((d, i) => d * sizes[i]!), (idx) => at(p, idx.map((v, i) => v % padded[i]!)));
      },
      small,
    );
  });

  it('split by a size or by sizes, and chunk: the pieces are the oracle slices', () => {
    checkOverLayouts(
      (s) => fc.integer({ min: 0, max: s.length - 1 }).chain((ax) => fc.tuple(fc.constant(ax), fc.oneof(fc.integer({ min: 1, max: s[ax]! + 1 }), sizesArb(s[ax]!)), fc.integer({ min: 1, max: 5 }))),
      (x, [ax, how, chunks]) => {
        const pieces = split(x, how, ax);
        const d = x.shape[ax]!;
        const sizes = splitSizes(d, how);
        expect(pieces.map((q) => q.shape[ax])).toEqual(sizes);
        let start = 0;
        pieces.forEach((q, i) => {
          expectDense(q, sliceRef(denseOf(x), ax, start, start + sizes[i]!, 1), `piece ${i}`);
          start += sizes[i]!;
        });
        const parts = x.chunk(chunks, ax);
        expect(parts.map((q) => q.shape[ax])).toEqual(splitSizes(d, Math.ceil(d / chunks)));
        expect(parts.length).toBeLessThanOrEqual(chunks);
        // weight each piece differently so that every piece's gradient is checked
        return joined(pieces.map((q, i) => q.mul(i + 1)), ax);
      },
      (x, [ax, how]) => {
        const sizes = splitSizes(x.shape[ax]!, how);
        return build(x.shape, (idx) => {
          let piece = 0;
          for (let end = sizes[0]!; idx[ax]! >= end; end += sizes[piece]!) piece++;
          return at(x, idx) * (piece + 1);
        });
      },
      small,
    );
  });

  it('t and mT swap the last two dims', () => {
    checkOverLayouts(() => fc.constant(0), (x) => t(x), (x) => (x.shape.length === 2 ? permuteRef(x, [1, 0]) : x), { shapes: shapeArb({ maxDims: 2 }) });
    checkOverLayouts(
      () => fc.constant(0),
      (x) => x.mT,
      (x) => permuteRef(x, [...x.shape.map((_, i) => i).slice(0, -2), x.shape.length - 1, x.shape.length - 2]),
      { shapes: shapeArb({ minDims: 2 }) },
    );
  });
});

describe('split, chunk, t and mT pass gradcheck (compositions)', () => {
  it('split and chunk', () => {
    fc.assert(
      fc.property(
        shapeArb({ maxDims: 3 }).chain((s) => fc.tuple(tensorArb(s), fc.integer({ min: 0, max: s.length - 1 }), fc.integer({ min: 1, max: 4 }))),
        ([x, ax, n]) => {
          gradcheck((a) => stack(split(a, n, ax).map((q, i) => q.sum(ax).mul(i + 1))), [x]);
          gradcheck((a) => cat(chunk(a, n, ax).map((q, i) => q.mul(i + 1)), ax), [x]);
        },
      ),
      { numRuns: 20 },
    );
  });
  it('t and mT', () => {
    fc.assert(fc.property(shapeArb({ maxDims: 2 }).chain((s) => tensorArb(s)), (x) => gradcheck((a) => t(a).mul(t(a)), [x])), { numRuns: 15 });
    fc.assert(fc.property(shapeArb({ minDims: 2, maxDims: 4 }).chain((s) => tensorArb(s)), (x) => gradcheck((a) => a.mT.contiguous(), [x])), { numRuns: 15 });
  });
});

describe('shape op arguments follow torch and name the op', () => {
  it('split and chunk', () => {
    const x = tensor([0, 1, 2, 3, 4], { dtype: 'float64' });
    expect(split(x, 2).map((q) => q.toArray())).toEqual([[0, 1], [2, 3], [4]]);
    expect(split(x, 7).map((q) => q.toArray())).toEqual([[0, 1, 2, 3, 4]]);
    expect(x.split([1, 4]).map((q) => q.toArray())).toEqual([[0], [1, 2, 3, 4]]);
    expect(chunk(x, 3).map((q) => q.toArray())).toEqual([[0, 1], [2, 3], [4]]);
    expect(chunk(tensor([0, 1, 2, 3, 4, 5]), 4).map((q) => q.toArray())).toEqual([[0, 1], [2, 3], [4, 5]]);
    expect(() => split(x, [1, 3])).toThrow('split: split sizes [1,3] must be non-negative integers adding up to 5 (dim 0), they add up to 4');
    expect(() => split(x, 0)).toThrow('split: split size must be a positive integer, got 0 for dim 0 of size 5');
    expect(() => chunk(x, 0)).toThrow('chunk: chunks must be a positive integer, got 0');
    expect(() => split(x, 1, 1)).toThrow(/split/);
  });
  it('chunk of an empty dim gives `chunks` empty pieces, as torch', () => {
    const e = tensor(new Float64Array(0));
    expect(chunk(e, 3).map((q) => q.shape)).toEqual([[0], [0], [0]]);
  });
  it('flip, repeat, t, mT', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float64' });
    expect(x.flip([0, 1]).toArray()).toEqual([[6, 5, 4], [3, 2, 1]]);
    expect(x.repeat(2, 1, 2).shape).toEqual([2, 2, 6]);
    expect(x.repeat([1, 2]).toArray()).toEqual([[1, 2, 3, 1, 2, 3], [4, 5, 6, 4, 5, 6]]);
    expect(() => x.repeat(2)).toThrow("repeat: got 1 repeat sizes for a tensor of 2 dims; give at least one per dim");
    expect(() => repeat(x, [1, -1])).toThrow('repeat: sizes must be an array of non-negative integers, got [1,-1]');
    expect(() => flip(x, [0, 0])).toThrow(/flip/);
    expect(() => flip(x, 2)).toThrow(/flip/);
    expect(x.t().toArray()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(tensor([1, 2]).t().toArray()).toEqual([1, 2]);
    expect(() => tensor([[[1]]]).t()).toThrow('t: expects a tensor with <= 2 dims, got 3 dims (use transpose or mT)');
    expect(() => tensor([1, 2]).mT).toThrow('mT: expects a tensor with >= 2 dims, got 1 dims');
    expect(() => split(x, 'a' as never)).toThrow(AutogradError);
  });
});

describe('flip and repeat in float32', () => {
  it('keep the dtype', () => {
    checkFloat32((s) => fc.constant(s.map((_, i) => i)), (x, dims) => flip(x, dims), small);
    checkFloat32((s) => fc.constant([2, ...s.map(() => 2)]), (x, sizes) => repeat(x, sizes), small);
  });
});
