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

/** A max-pooling problem with a drawn dilation (1-2) and ceilMode, on distinct values (no ties in a window). */
const dilatedMaxPool: fc.Arbitrary<GradProblem> = fc
  .record({
    n: fc.integer({ min: 1, max: 2 }),
    c: fc.integer({ min: 1, max: 2 }),
    axes: fc.array(fc.record({ k: fc.integer({ min: 1, max: 3 }), s: fc.integer({ min: 1, max: 3 }), d: fc.integer({ min: 1, max: 2 }), p: fc.integer({ min: 0, max: 1 }), extra: fc.integer({ min: 0, max: 3 }) }), { minLength: 2, maxLength: 2 }),
    ceilMode: fc.boolean(),
  })
  .chain(({ n, c, axes, ceilMode }) => {
    const geo = axes.map(({ k, s, d, p, extra }) => {
      const pad = Math.min(p, Math.floor(k / 2));
      // the dilated kernel fits the unpadded input, so that every window has a tap inside it (torch gives an
      // empty window -inf and an index outside the plane)
      return { k, s, d, p: pad, size: d * (k - 1) + 1 + extra };
    });
    const [h, w] = geo as [(typeof geo)[0], (typeof geo)[0]];
    return tensorArb([n, c, h.size, w.size], { distinct: true }).map((x) => ({
      inputs: [x],
      fn: (t: Tensor) => maxPool2d(t, { kernelSize: [h.k, w.k], stride: [h.s, w.s], padding: [h.p, w.p], dilation: [h.d, w.d], ceilMode }),
    }));
  });

/** Pooling Functions -> their gradcheck cases. */
export const cases: CaseTable = {
  // distinct values: no ties inside a window, where max is not differentiable
  maxPool2d: gradcheckCase(fc.oneof(poolProblems((x, o) => maxPool2d(x, o), { distinct: true }), dilatedMaxPool), { numRuns: 30 }),
  avgPool2d: gradcheckCase(poolProblems((x, o) => avgPool2d(x, o)), { numRuns: 20 }),
  adaptiveAvgPool2d: gradcheckCase(poolProblems((x) => adaptiveAvgPool2d(x, 1)), { numRuns: 20 }),
};
