// Gradcheck cases for flip and repeat, keyed by Function name (ops/shape.ts; run by shape.test.ts, which also
// gradchecks the compositions split, chunk and t).
import fc from 'fast-check';
import { flip, repeat, type Tensor } from '@adder/autograd';
import { gradcheckCase, shapeArb, tensorArb, type CaseTable, type GradProblem } from '@adder/autograd/testing';

/** A drawn tensor plus a parameter drawn from its shape, checked through `f(x, param)`. */
function withParam<P>(param: (shape: number[]) => fc.Arbitrary<P>, f: (x: Tensor, p: P) => Tensor): fc.Arbitrary<GradProblem> {
  return shapeArb({ maxDims: 3 })
    .chain((s) => fc.tuple(tensorArb(s), param(s)))
    .map(([x, p]) => ({ inputs: [x], fn: (t: Tensor) => f(t, p) }));
}

/** Shape Functions -> their gradcheck cases. */
export const cases: CaseTable = {
  flip: gradcheckCase(withParam((s) => fc.subarray(Array.from({ length: s.length }, (_, i) => i - (i % 2) * s.length), { minLength: 1 }), (x, dims) => flip(x, dims))),
  // repeats of 1-3 per dim and up to two leading new dims
  repeat: gradcheckCase(withParam((s) => fc.array(fc.integer({ min: 1, max: 3 }), { minLength: s.length, maxLength: s.length + 2 }), (x, sizes) => repeat(x, sizes))),
};
