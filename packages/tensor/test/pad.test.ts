// Constant pad against a naive index loop, in PyTorch's last-dim-first pad order, including cropping.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TensorError, fromArray, pad, zeros } from '../src/index';
import { seededValues } from './conv-configs';
import { LAYOUTS, withLayout } from './layouts';

/** out[i] = x[i - before] where that is inside x, else value; pads[2k], pads[2k+1] apply to dim ndim-1-k. */
function naivePad(shape: number[], data: number[], pads: number[], value: number): { shape: number[]; data: number[] } {
  const nd = shape.length;
  const before = shape.map((_, d) => (nd - 1 - d < pads.length / 2 ? pads[2 * (nd - 1 - d)]! : 0));
  const after = shape.map((_, d) => (nd - 1 - d < pads.length / 2 ? pads[2 * (nd - 1 - d) + 1]! : 0));
  const outShape = shape.map((s, d) => s + before[d]! + after[d]!);
  const total = outShape.reduce((a, b) => a * b, 1);
  const out = new Array<number>(total);
  for (let flat = 0; flat < total; flat++) {
    let rem = flat;
    let src = 0;
    let inside = true;
    for (let d = 0; d < nd; d++) {
      const stride = outShape.slice(d + 1).reduce((a, b) => a * b, 1);
      const i = Math.floor(rem / stride) - before[d]!;
      rem %= stride;
      if (i < 0 || i >= shape[d]!) inside = false;
      src = src * shape[d]! + i;
    }
    out[flat] = inside ? data[src]! : value;
  }
  return { shape: outShape, data: out };
}

describe('pad', () => {
  it('matches the naive loop for random shapes, pads (negative = crop) and layouts', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 4 }).chain((shape) =>
          fc.record({
            shape: fc.constant(shape),
            pads: fc.integer({ min: 1, max: shape.length }).chain((k) => fc.array(fc.integer({ min: -2, max: 3 }), { minLength: 2 * k, maxLength: 2 * k })),
            value: fc.constantFrom(0, -1.5, 7),
            layout: fc.constantFrom(...LAYOUTS),
            seed: fc.integer(),
          }),
        ),
        ({ shape, pads, value, layout, seed }) => {
          const nd = shape.length;
          const fits = pads.every((_, i) => i % 2 === 1 || shape[nd - 1 - i / 2]! + pads[i]! + pads[i + 1]! >= 0);
          const data = seededValues(seed, shape.reduce((a, b) => a * b, 1));
          const x = withLayout(data, shape, 'float64', layout);
          if (!fits) {
            expect(() => pad(x, pads, value)).toThrow(/pad: padding .* negative/);
            return;
          }
          const y = pad(x, pads, value);
          const ref = naivePad(shape, data, pads, value);
          expect(y.shape).toEqual(ref.shape);
          expect(Array.from(y.toTyped())).toEqual(ref.data);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('hand-computed: (left, right, top, bottom) on a 2x2 image', () => {
    expect(pad(fromArray([[1, 2], [3, 4]]), [1, 0, 0, 1], 9).toArray()).toEqual([[9, 1, 2], [9, 3, 4], [9, 9, 9]]);
    expect(pad(fromArray([[1, 2, 3]]), [-1, 1]).toArray()).toEqual([[2, 3, 0]]);
  });

  it('keeps the dtype and rejects odd or too long pad lists', () => {
    expect(pad(zeros([2], 'int32'), [1, 1], 5).dtype).toBe('int32');
    expect(() => pad(zeros([2, 2]), [1])).toThrow(TensorError);
    expect(() => pad(zeros([2, 2]), [1, 1, 1, 1, 1, 1])).toThrow(/pad: pads must be an even number \(at most 4\)/);
  });
});
