// Gradcheck cases for the pooling Functions, keyed by Function name (ops/pool.ts; run by pool.test.ts).
import fc from 'fast-check';
import { adaptiveAvgPool2d, avgPool2d, maxPool2d, type Tensor } from '@adder/autograd';
import { gradcheckCase, tensorArb, type CaseTable, type GradProblem, type ValueSpec } from '@adder/autograd/testing';
import { imageArb } from './windows';

/** A pooling problem on a drawn image. */
function poolProblems(f: (x: Tensor, o: { kernelSize: number[]; stride: number[]; padding: number[] }) => Tensor, spec: ValueSpec = {}): fc.Arbitrary<GradProblem> {
  return imageArb(true)
    .chain((g) => fc.tuple(tensorArb([g.n, g.c, g.h.size, g.w.size], spec), fc.constant(g)))
    .map(([x, { h, w }]) => ({ inputs: [x], fn: (t: Tensor) => f(t, { kernelSize: [h.k, w.k], stride: [h.s, w.s], padding: [h.p, w.p] }) }));
}

/** Pooling Functions -> their gradcheck cases. */
export const cases: CaseTable = {
  // distinct values: no ties inside a window, where max is not differentiable
  maxPool2d: gradcheckCase(poolProblems((x, o) => maxPool2d(x, o), { distinct: true }), { numRuns: 20 }),
  avgPool2d: gradcheckCase(poolProblems((x, o) => avgPool2d(x, o)), { numRuns: 20 }),
  adaptiveAvgPool2d: gradcheckCase(poolProblems((x) => adaptiveAvgPool2d(x, 1)), { numRuns: 20 }),
};
