// Gradcheck cases for norm over its orders, keyed by Function name (ops/norm.ts; run by norm.test.ts).
import fc from 'fast-check';
import { norm, type NormOrder, type Tensor } from '@adder/autograd';
import { axesArb, gradcheckCase, shapeArb, tensorArb, type CaseTable, type GradProblem, type ValueSpec } from '@adder/autograd/testing';

/** Problems norm(x, p, dims, keepdim) over drawn dims and layouts; values obey `spec`. */
function normOf(p: NormOrder, spec: ValueSpec): fc.Arbitrary<GradProblem> {
  return shapeArb({ maxDims: 3 })
    .chain((s) => fc.tuple(tensorArb(s, spec), p === 'fro' ? fc.option(fc.integer({ min: -s.length, max: s.length - 1 }).map((d) => [d]), { nil: undefined }) : axesArb(s.length), fc.boolean()))
    .map(([x, dims, keepdim]) => ({ inputs: [x], fn: (t: Tensor) => norm(t, p, dims, keepdim) }));
}

// |x| has a kink at 0 for every p but 2; the max/min-|x| orders need |x| without ties: distinct values of one sign
const awayFromZero: ValueSpec = { min: -2, max: 2, kinks: [0], gap: 0.1 };
const positive: ValueSpec = { min: 0.5, max: 2, distinct: true };
const negative: ValueSpec = { min: -2, max: -0.5, distinct: true };

/** norm -> its gradcheck case (every order). */
export const cases: CaseTable = {
  norm: gradcheckCase(
    fc.oneof(
      normOf(2, {}),
      normOf('fro', {}),
      normOf(1, awayFromZero),
      normOf(3, {}),
      normOf(1.5, awayFromZero),
      normOf(0.5, awayFromZero),
      normOf(0, awayFromZero),
      normOf(Infinity, positive),
      normOf(-Infinity, negative),
    ),
    { numRuns: 60 },
  ),
};
