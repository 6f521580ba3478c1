// Gradcheck cases for max/min (over everything, and along a dim) and amax/amin, keyed by Function name
// (ops/extrema.ts; run by extrema.test.ts). Values are distinct, away from ties (ties: extrema.test.ts).
import fc from 'fast-check';
import { amax, amin, max, min, type Tensor } from '@adder/autograd';
import { axesArb, gradcheckCase, shapeArb, tensorArb, type CaseTable, type GradProblem } from '@adder/autograd/testing';

const distinct = { distinct: true };

/** Problems `f(x, dim, keepdim)` over one drawn dim, or none (everything). */
function overOneDim(f: (x: Tensor, dim: number | undefined, keepdim: boolean) => Tensor): fc.Arbitrary<GradProblem> {
  return shapeArb()
    .chain((s) => fc.tuple(tensorArb(s, distinct), fc.option(fc.integer({ min: -s.length, max: s.length - 1 }), { nil: undefined }), fc.boolean()))
    .map(([x, dim, keepdim]) => ({ inputs: [x], fn: (t: Tensor) => f(t, dim, keepdim) }));
}
/** Problems `f(x, dims, keepdim)` over a drawn set of dims (or all). */
function overDims(f: (x: Tensor, dims: number[] | undefined, keepdim: boolean) => Tensor): fc.Arbitrary<GradProblem> {
  return shapeArb()
    .chain((s) => fc.tuple(tensorArb(s, distinct), axesArb(s.length), fc.boolean()))
    .map(([x, dims, keepdim]) => ({ inputs: [x], fn: (t: Tensor) => f(t, dims, keepdim) }));
}

/** Extremum Functions -> their gradcheck cases. */
export const cases: CaseTable = {
  max: gradcheckCase(overOneDim((x, d, k) => (d === undefined ? max(x) : max(x, d, k).values))),
  min: gradcheckCase(overOneDim((x, d, k) => (d === undefined ? min(x) : min(x, d, k).values))),
  amax: gradcheckCase(overDims((x, d, k) => amax(x, d, k))),
  amin: gradcheckCase(overDims((x, d, k) => amin(x, d, k))),
};
