// Gradcheck cases for cat, stack and pad, keyed by Function name (ops/join.ts; run by join.test.ts).
import fc from 'fast-check';
import { cat, pad, stack, type Tensor } from '@adder/autograd';
import { gradcheckCase, shapeArb, tensorArb, type CaseTable, type GradProblem } from '@adder/autograd/testing';

/** 1-4 tensors that agree on every axis but `axis` (cat) or on all (stack). */
function joinProblems(join: 'cat' | 'stack'): fc.Arbitrary<GradProblem> {
  return shapeArb({ maxDims: 3 })
    .chain((s) => fc.tuple(fc.constant(s), fc.integer({ min: 0, max: s.length - 1 }), fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 4 })))
    .chain(([s, axis, sizes]) => {
      const shapes = sizes.map((k) => (join === 'cat' ? s.map((d, i) => (i === axis ? k : d)) : s));
      return fc.tuple(fc.tuple(...shapes.map((sh) => tensorArb(sh))), fc.integer({ min: -s.length - (join === 'stack' ? 1 : 0), max: s.length - (join === 'stack' ? 0 : 1) }), fc.constant(axis));
    })
    .map(([ts, stackAxis, catAxis]) => ({
      inputs: ts,
      fn: (...xs: Tensor[]) => (join === 'cat' ? cat(xs, catAxis) : stack(xs, stackAxis)),
    }));
}

/** Pads (positive, zero, or cropping without emptying a dim) over the last 1..ndim dims. */
const padProblems: fc.Arbitrary<GradProblem> = shapeArb()
  .chain((s) => fc.tuple(tensorArb(s), fc.integer({ min: 1, max: s.length }).chain((k) => fc.array(fc.integer({ min: -1, max: 2 }), { minLength: 2 * k, maxLength: 2 * k })), fc.double({ min: -1, max: 1, noNaN: true })))
  .map(([x, raw, value]) => {
    const pads = [...raw];
    for (let k = 0; k < pads.length / 2; k++) {
      const size = x.shape[x.ndim - 1 - k]!;
      if (size + pads[2 * k]! + pads[2 * k + 1]! < 1) pads[2 * k] = pads[2 * k + 1] = 0;
    }
    return { inputs: [x], fn: (t: Tensor) => pad(t, pads, value) };
  });

/** Join and pad Functions -> their gradcheck cases. */
export const cases: CaseTable = {
  cat: gradcheckCase(joinProblems('cat')),
  stack: gradcheckCase(joinProblems('stack')),
  pad: gradcheckCase(padProblems),
};
