// Gradcheck cases for the pooling Functions, keyed by Function name (ops/pool.ts; run by pool.test.ts).
import fc from 'fast-check';
import { adaptiveAvgPool2d, adaptiveMaxPool2d, avgPool2d, maxPool2d, type Tensor } from '@adder/autograd';
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

/** An average-pooling problem with drawn ceilMode and countIncludePad. */
const avgPoolModes: fc.Arbitrary<GradProblem> = fc
  .tuple(imageArb(true), fc.boolean(), fc.boolean())
  .chain(([g, ceilMode, countIncludePad]) => fc.tuple(tensorArb([g.n, g.c, g.h.size, g.w.size]), fc.constant({ ...g, ceilMode, countIncludePad })))
  .map(([x, { h, w, ceilMode, countIncludePad }]) => ({
    inputs: [x],
    fn: (t: Tensor) => avgPool2d(t, { kernelSize: [h.k, w.k], stride: [h.s, w.s], padding: [h.p, w.p], ceilMode, countIncludePad }),
  }));

/** An adaptive pooling problem: a drawn (N, C, H, W) input (1-7 per side) and output size (1-5 per side, or null). */
function adaptiveProblems(f: (x: Tensor, size: (number | null)[]) => Tensor, spec: ValueSpec = {}): fc.Arbitrary<GradProblem> {
  const side = fc.integer({ min: 1, max: 7 });
  const out = fc.oneof(fc.integer({ min: 1, max: 5 }), fc.constant(null));
  return fc
    .tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 }), side, side, out, out)
    .chain(([n, c, h, w, oh, ow]) => tensorArb([n, c, h, w], spec).map((x) => ({ inputs: [x], fn: (t: Tensor) => f(t, [oh, ow]) })));
}

/** Pooling Functions -> their gradcheck cases. */
export const cases: CaseTable = {
  // distinct values: no ties inside a window, where max is not differentiable
  maxPool2d: gradcheckCase(fc.oneof(poolProblems((x, o) => maxPool2d(x, o), { distinct: true }), dilatedMaxPool), { numRuns: 30 }),
  avgPool2d: gradcheckCase(fc.oneof(poolProblems((x, o) => avgPool2d(x, o)), avgPoolModes), { numRuns: 30 }),
  adaptiveAvgPool2d: gradcheckCase(fc.oneof(poolProblems((x) => adaptiveAvgPool2d(x, 1)), adaptiveProblems((x, s) => adaptiveAvgPool2d(x, s))), { numRuns: 30 }),
  adaptiveMaxPool2d: gradcheckCase(adaptiveProblems((x, s) => adaptiveMaxPool2d(x, s), { distinct: true }), { numRuns: 30 }),
};
