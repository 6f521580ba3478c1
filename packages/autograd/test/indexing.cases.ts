// Gradcheck cases for gather and indexSelect, keyed by Function name (read by registry.test.ts).
import fc from 'fast-check';
import { gather, indexSelect, tensor, type Tensor } from '@adder/autograd';
import { gradcheckCase, shapeArb, tensorArb, type CaseTable, type GradProblem } from '@adder/autograd/testing';

/** An int32 tensor of `shape` with entries in [0, bound). */
function indexArb(shape: readonly number[], bound: number): fc.Arbitrary<Tensor> {
  const n = shape.reduce((p, d) => p * d, 1);
  return fc.array(fc.integer({ min: 0, max: bound - 1 }), { minLength: n, maxLength: n }).map((v) => tensor(Int32Array.from(v), { shape: [...shape] }));
}

const gatherProblems: fc.Arbitrary<GradProblem> = shapeArb()
  .chain((s) => fc.tuple(fc.constant(s), fc.integer({ min: 0, max: s.length - 1 }), fc.array(fc.integer({ min: 1, max: 4 }), { minLength: s.length, maxLength: s.length })))
  .chain(([s, axis, want]) => {
    // the index may be smaller than the input on every other axis, and any length along `axis`
    const idxShape = s.map((d, i) => (i === axis ? want[i]! : Math.min(d, want[i]!)));
    return fc.tuple(tensorArb(s), indexArb(idxShape, s[axis]!), fc.constant(axis));
  })
  .map(([x, index, axis]) => ({ inputs: [x], fn: (t: Tensor) => gather(t, axis, index) }));

const indexSelectProblems: fc.Arbitrary<GradProblem> = shapeArb()
  .chain((s) => fc.integer({ min: 0, max: s.length - 1 }).chain((axis) => fc.tuple(tensorArb(s), fc.integer({ min: 1, max: 4 }).chain((k) => indexArb([k], s[axis]!)), fc.constant(axis))))
  .map(([x, index, axis]) => ({ inputs: [x], fn: (t: Tensor) => indexSelect(t, axis, index.data) }));

/** Indexing Functions -> their gradcheck cases (repeated indices make the backward accumulate). */
export const cases: CaseTable = {
  gather: gradcheckCase(gatherProblems),
  indexSelect: gradcheckCase(indexSelectProblems),
};
