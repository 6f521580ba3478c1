// Gradcheck cases for the view/layout Functions, keyed by Function name (ops/views.ts; run by views.test.ts).
import fc from 'fast-check';
import { cast, contiguous, expand, permute, reshape, slice, squeeze, unsqueeze, view, type Tensor } from '@adder/autograd';
import { gradcheckCase, shapeArb, tensorArb, type CaseTable, type GradProblem } from '@adder/autograd/testing';

/** A drawn tensor plus a parameter drawn from its shape, checked through `f(x, param)`. */
function withParam<P>(param: (shape: number[]) => fc.Arbitrary<P>, f: (x: Tensor, p: P) => Tensor, layouts?: Parameters<typeof tensorArb>[2]): fc.Arbitrary<GradProblem> {
  return shapeArb()
    .chain((s) => fc.tuple(tensorArb(s, {}, layouts), param(s)))
    .map(([x, p]) => ({ inputs: [x], fn: (t: Tensor) => f(t, p) }));
}

/** A factorisation of `n` into 1-3 factors (a reshape target with the same element count). */
function factorsArb(n: number): fc.Arbitrary<number[]> {
  const divisors = Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0);
  return fc.tuple(fc.constantFrom(...divisors), fc.boolean(), fc.boolean()).map(([d, split, infer]) => {
    const rest = n / d;
    const shape = split ? [d, rest] : [n];
    if (infer) shape[shape.length - 1] = -1;
    return shape;
  });
}

const numel = (s: readonly number[]): number => s.reduce((p, d) => p * d, 1);

/** A permutation of 0..n-1. */
function permutationArb(n: number): fc.Arbitrary<number[]> {
  return fc.shuffledSubarray(Array.from({ length: n }, (_, i) => i), { minLength: n, maxLength: n });
}

/** View Functions -> their gradcheck cases. */
export const cases: CaseTable = {
  reshape: gradcheckCase(withParam((s) => factorsArb(numel(s)), (x, shape) => reshape(x, shape))),
  // view needs a viewable layout: a contiguous or sliced input merged/split along its contiguous dims
  view: gradcheckCase(withParam((s) => factorsArb(numel(s)), (x, shape) => view(x, shape), ['contiguous'])),
  permute: gradcheckCase(withParam((s) => permutationArb(s.length), (x, axes) => permute(x, axes))),
  expand: gradcheckCase(
    withParam(
      (s) => fc.tuple(fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }), fc.array(fc.integer({ min: 1, max: 3 }), { minLength: s.length, maxLength: s.length })),
      (x, [lead, grow]) => expand(x, [...lead, ...x.shape.map((d, i) => (d === 1 ? grow[i]! : d))]),
    ),
  ),
  slice: gradcheckCase(
    withParam(
      (s) =>
        fc.integer({ min: 0, max: s.length - 1 }).chain((axis) =>
          fc.tuple(fc.constant(axis), fc.integer({ min: -s[axis]!, max: s[axis]! - 1 }), fc.option(fc.integer({ min: -s[axis]!, max: s[axis]! }), { nil: undefined }), fc.integer({ min: 1, max: 3 })),
        ),
      (x, [axis, start, end, step]) => slice(x, axis, start, end, step),
    ),
  ),
  squeeze: gradcheckCase(withParam((s) => fc.option(fc.integer({ min: -s.length, max: s.length - 1 }), { nil: undefined }), (x, axis) => squeeze(x, axis))),
  unsqueeze: gradcheckCase(withParam((s) => fc.integer({ min: -s.length - 1, max: s.length }), (x, axis) => unsqueeze(x, axis))),
  contiguous: gradcheckCase(withParam(() => fc.constant(0), (x) => contiguous(x))),
  // float64 -> float32 -> float64 is the identity up to float32 rounding: a wide step keeps that rounding
  // far below the tolerance (the function is linear, so the step adds no truncation error)
  cast: gradcheckCase(withParam(() => fc.constant(0), (x) => cast(cast(x, 'float32'), 'float64')), { eps: 1e-2 }),
};
