// Gradcheck case for the batchNorm Function (batch statistics and running statistics), run by batch-norm.test.ts;
// registry.test.ts checks that the case tables cover the registry.
import fc from 'fast-check';
import type { Tensor } from '@adder/autograd';
import { fromArray } from '@adder/tensor';
import { gradcheckCase, tensorArb, type CaseTable, type GradProblem } from '@adder/autograd/testing';
import { batchNorm } from '../src/index';

/** x of rank 2-4 with C channels and more than one value per channel, weight and bias (C), either mode. */
const bnProblem: fc.Arbitrary<GradProblem> = fc
  .record({
    n: fc.integer({ min: 1, max: 3 }),
    c: fc.integer({ min: 1, max: 3 }),
    spatial: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 0, maxLength: 2 }),
    useBatchStats: fc.boolean(),
    eps: fc.constantFrom(1e-5, 0.1),
  })
  .filter((g) => !g.useBatchStats || g.n * g.spatial.reduce((a, b) => a * b, 1) > 1)
  .chain((g) => fc.tuple(fc.constant(g), tensorArb([g.n, g.c, ...g.spatial]), tensorArb([g.c], { min: 0.5, max: 1.5 }), tensorArb([g.c])))
  .map(([g, x, w, b]) => {
    const runningMean = fromArray(Array.from({ length: g.c }, (_, i) => 0.1 * i - 0.1), 'float64');
    const runningVar = fromArray(Array.from({ length: g.c }, (_, i) => 0.5 + 0.25 * i), 'float64');
    const opts = g.useBatchStats ? { useBatchStats: true, eps: g.eps } : { useBatchStats: false, eps: g.eps, runningMean, runningVar };
    return { inputs: [x, w, b], fn: (xx: Tensor, ww: Tensor, bb: Tensor) => batchNorm(xx, ww, bb, opts) };
  });

/** batchNorm -> its gradcheck case. */
export const cases: CaseTable = {
  batchNorm: gradcheckCase(bnProblem, { numRuns: 30 }),
};
