// Gradcheck cases for conv2d, unfold/fold, pooling, concat/stack and pad, keyed by Function name.
import fc from 'fast-check';
import * as K from '@adder/tensor';
import { adaptiveAvgPool2d, avgPool2d, concat, conv2d, fold, maxPool2d, pad, stack, unfold, type Tensor } from '@adder/autograd';
import { gradcheckCase, shapeArb, tensorArb, type CaseTable, type GradProblem, type ValueSpec } from '@adder/autograd/testing';

/** One spatial axis of a window: kernel, stride, padding, dilation and an input size the window fits. */
interface AxisGeometry {
  k: number;
  s: number;
  p: number;
  d: number;
  size: number;
}
/** A valid window along one axis; pooling keeps padding <= kernel / 2 and dilation 1 (as PyTorch requires). */
function axisArb(pool: boolean): fc.Arbitrary<AxisGeometry> {
  return fc
    .record({ k: fc.integer({ min: 1, max: 3 }), s: fc.integer({ min: 1, max: 2 }), d: fc.integer({ min: 1, max: pool ? 1 : 2 }), extra: fc.integer({ min: 0, max: 2 }), pRaw: fc.integer({ min: 0, max: 1 }) })
    .map(({ k, s, d, extra, pRaw }) => {
      const p = pool ? Math.min(pRaw, Math.floor(k / 2)) : pRaw;
      const need = d * (k - 1) + 1 - 2 * p; // the dilated kernel must fit the padded input
      return { k, s, p, d, size: Math.max(1, need) + extra };
    });
}
/** (N, C, H, W) image geometry with a window per spatial axis. */
function imageArb(pool: boolean) {
  return fc.record({ n: fc.integer({ min: 1, max: 2 }), c: fc.integer({ min: 1, max: 3 }), h: axisArb(pool), w: axisArb(pool) });
}
const windowOptions = (h: AxisGeometry, w: AxisGeometry) => ({ kernelSize: [h.k, w.k], stride: [h.s, w.s], padding: [h.p, w.p], dilation: [h.d, w.d] });

const conv2dProblems: fc.Arbitrary<GradProblem> = fc
  .tuple(imageArb(false), fc.integer({ min: 1, max: 3 }), fc.boolean())
  .chain(([{ n, c, h, w }, cout, withBias]) =>
    fc.tuple(tensorArb([n, c, h.size, w.size]), tensorArb([cout, c, h.k, w.k]), tensorArb([cout]), fc.constant({ h, w, withBias })),
  )
  .map(([x, wt, b, { h, w, withBias }]) => {
    const options = { stride: [h.s, w.s], padding: [h.p, w.p], dilation: [h.d, w.d] };
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

/** A pooling problem on a drawn image. */
function poolProblems(f: (x: Tensor, o: { kernelSize: number[]; stride: number[]; padding: number[] }) => Tensor, spec: ValueSpec = {}): fc.Arbitrary<GradProblem> {
  return imageArb(true)
    .chain((g) => fc.tuple(tensorArb([g.n, g.c, g.h.size, g.w.size], spec), fc.constant(g)))
    .map(([x, { h, w }]) => ({ inputs: [x], fn: (t: Tensor) => f(t, { kernelSize: [h.k, w.k], stride: [h.s, w.s], padding: [h.p, w.p] }) }));
}

/** 1-4 tensors that agree on every axis but `axis` (concat) or on all (stack). */
function joinProblems(join: 'concat' | 'stack'): fc.Arbitrary<GradProblem> {
  return shapeArb({ maxDims: 3 })
    .chain((s) => fc.tuple(fc.constant(s), fc.integer({ min: 0, max: s.length - 1 }), fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 4 })))
    .chain(([s, axis, sizes]) => {
      const shapes = sizes.map((k) => (join === 'concat' ? s.map((d, i) => (i === axis ? k : d)) : s));
      return fc.tuple(fc.tuple(...shapes.map((sh) => tensorArb(sh))), fc.integer({ min: -s.length - (join === 'stack' ? 1 : 0), max: s.length - (join === 'stack' ? 0 : 1) }), fc.constant(axis));
    })
    .map(([ts, stackAxis, catAxis]) => ({
      inputs: ts,
      fn: (...xs: Tensor[]) => (join === 'concat' ? concat(xs, catAxis) : stack(xs, stackAxis)),
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

/** Convolution, pooling and join Functions -> their gradcheck cases. */
export const cases: CaseTable = {
  conv2d: gradcheckCase(conv2dProblems, { numRuns: 20 }),
  unfold: gradcheckCase(unfoldProblems, { numRuns: 20 }),
  fold: gradcheckCase(foldProblems, { numRuns: 20 }),
  // distinct values: no ties inside a window, where max is not differentiable
  maxPool2d: gradcheckCase(poolProblems((x, o) => maxPool2d(x, o), { distinct: true }), { numRuns: 20 }),
  avgPool2d: gradcheckCase(poolProblems((x, o) => avgPool2d(x, o)), { numRuns: 20 }),
  adaptiveAvgPool2d: gradcheckCase(poolProblems((x) => adaptiveAvgPool2d(x, 1)), { numRuns: 20 }),
  concat: gradcheckCase(joinProblems('concat')),
  stack: gradcheckCase(joinProblems('stack')),
  pad: gradcheckCase(padProblems),
};
