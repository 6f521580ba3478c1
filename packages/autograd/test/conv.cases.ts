// Gradcheck cases for conv2d and unfold/fold, keyed by Function name (ops/conv.ts; run by conv.test.ts).
import fc from 'fast-check';
import * as K from '@adder/tensor';
import { conv2d, fold, unfold, type Tensor } from '@adder/autograd';
import { gradcheckCase, tensorArb, type CaseTable, type GradProblem } from '@adder/autograd/testing';
import { imageArb, windowOptions } from './windows';

/** A conv2d problem on a drawn geometry and layout, with groups 1-3 (Cin and Cout multiples of it) and an optional bias. */
const conv2dProblems: fc.Arbitrary<GradProblem> = fc
  .tuple(imageArb(false), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 2 }), fc.boolean())
  .chain(([{ n, c, h, w }, groups, coutPer, withBias]) =>
    fc.tuple(tensorArb([n, c * groups, h.size, w.size]), tensorArb([coutPer * groups, c, h.k, w.k]), tensorArb([coutPer * groups]), fc.constant({ h, w, withBias, groups })),
  )
  .map(([x, wt, b, { h, w, withBias, groups }]) => {
    const options = { stride: [h.s, w.s], padding: [h.p, w.p], dilation: [h.d, w.d], groups };
    return withBias
      ? { inputs: [x, wt, b], fn: (xx: Tensor, ww: Tensor, bb: Tensor) => conv2d(xx, ww, bb, options) }
      : { inputs: [x, wt], fn: (xx: Tensor, ww: Tensor) => conv2d(xx, ww, null, options) };
  });

const unfoldProblems: fc.Arbitrary<GradProblem> = imageArb(false)
  .chain((g) => fc.tuple(tensorArb([g.n, g.c, g.h.size, g.w.size]), fc.constant(g)))
  .map(([x, { h, w }]) => ({ inputs: [x], fn: (t: Tensor) => unfold(t, windowOptions(h, w)) }));

const foldProblems: fc.Arbitrary<GradProblem> = imageArb(false)
  .chain((g) => {
    const L = K.convOutputSize(g.h.size, g.h.k, g.h.s, g.h.p, g.h.d) * K.convOutputSize(g.w.size, g.w.k, g.w.s, g.w.p, g.w.d);
    return fc.tuple(tensorArb([g.n, g.c * g.h.k * g.w.k, L]), fc.constant(g));
  })
  .map(([cols, { h, w }]) => ({ inputs: [cols], fn: (t: Tensor) => fold(t, { ...windowOptions(h, w), outputSize: [h.size, w.size] }) }));

/** Convolution Functions -> their gradcheck cases. */
export const cases: CaseTable = {
  conv2d: gradcheckCase(conv2dProblems, { numRuns: 20 }),
  unfold: gradcheckCase(unfoldProblems, { numRuns: 20 }),
  fold: gradcheckCase(foldProblems, { numRuns: 20 }),
};
