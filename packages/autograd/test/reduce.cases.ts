// Gradcheck cases for the reductions (sum, mean, var, std, logsumexp) and log-softmax, keyed by Function name (read by registry.test.ts).
import fc from 'fast-check';
import { logSoftmax, logsumexp, mean, std, sum, variance, type Tensor } from '@adder/autograd';
import { axesArb, gradcheckCase, shapeArb, tensorArb, type CaseTable, type GradProblem, type ValueSpec } from '@adder/autograd/testing';

/** Problems `f(x, axes, keepdim)` over a drawn subset of axes. */
function overAxes(f: (x: Tensor, axes: number[] | undefined, keepdim: boolean) => Tensor, spec: ValueSpec = {}): fc.Arbitrary<GradProblem> {
  return shapeArb()
    .chain((s) => fc.tuple(tensorArb(s, spec), axesArb(s.length), fc.boolean()))
    .map(([x, axes, keepdim]) => ({ inputs: [x], fn: (t: Tensor) => f(t, axes, keepdim) }));
}

/** Problems `f(x, axis, keepdim)` over one drawn axis (or all). */
function overOneAxis(f: (x: Tensor, axis: number | undefined, keepdim: boolean) => Tensor, spec: ValueSpec = {}): fc.Arbitrary<GradProblem> {
  return shapeArb()
    .chain((s) => fc.tuple(tensorArb(s, spec), fc.option(fc.integer({ min: -s.length, max: s.length - 1 }), { nil: undefined }), fc.boolean()))
    .map(([x, axis, keepdim]) => ({ inputs: [x], fn: (t: Tensor) => f(t, axis, keepdim) }));
}

/** How many elements `axes` reduce together in `shape`. */
function reducedCount(shape: readonly number[], axes: number[] | undefined): number {
  if (axes === undefined) return shape.reduce((p, d) => p * d, 1);
  return axes.reduce((p, a) => p * shape[a < 0 ? a + shape.length : a]!, 1);
}

/** Reductions -> their gradcheck cases. */
export const cases: CaseTable = {
  sum: gradcheckCase(overAxes((x, a, k) => sum(x, a, k))),
  mean: gradcheckCase(overAxes((x, a, k) => mean(x, a, k))),
  // the unbiased variance of one element is NaN, so a single-element reduction uses the biased form
  // and torch's correction= (0, 1 or 2, below the count)
  var: gradcheckCase(
    fc.oneof(
      overAxes((x, a, k) => variance(x, a, { keepdim: k, unbiased: reducedCount(x.shape, a) > 1 })),
      overAxes((x, a, k) => variance(x, a, { keepdim: k, correction: Math.min(2, reducedCount(x.shape, a) - 1) })),
    ),
  ),
  // correction 0, 1 or 2, kept below the count (std of a constant row is 0, where the gradient is masked: a kink)
  std: gradcheckCase(
    overAxes((x, a, k) => {
      const n = reducedCount(x.shape, a);
      return std(x, a, n > 2 ? { keepdim: k, correction: 2 } : { keepdim: k, unbiased: n > 1 });
    }, { distinct: true }),
  ),
  logsumexp: gradcheckCase(overAxes((x, a, k) => logsumexp(x, a, k), { min: -3, max: 3 })),
  logSoftmax: gradcheckCase(overOneAxis((x, a) => logSoftmax(x, a ?? -1), { min: -3, max: 3 })),
};
