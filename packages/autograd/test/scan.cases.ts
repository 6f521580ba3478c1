// Gradcheck cases for cumsum and prod, keyed by Function name (ops/scan.ts; run by scan.test.ts).
import fc from 'fast-check';
import { cumsum, prod, type Tensor } from '@adder/autograd';
import { gradcheckCase, shapeArb, tensorArb, type CaseTable, type GradProblem, type ValueSpec } from '@adder/autograd/testing';

/** Problems `f(x, dim, keepdim)` over one drawn dim, or none (all elements) when `all`. */
function overOneDim(f: (x: Tensor, dim: number | undefined, keepdim: boolean) => Tensor, spec: ValueSpec, all: boolean): fc.Arbitrary<GradProblem> {
  const dim = (n: number) => fc.integer({ min: -n, max: n - 1 });
  return shapeArb({ maxDims: 3 })
    .chain((s) => fc.tuple(tensorArb(s, spec), all ? fc.option(dim(s.length), { nil: undefined }) : dim(s.length), fc.boolean()))
    .map(([x, d, keepdim]) => ({ inputs: [x], fn: (t: Tensor) => f(t, d, keepdim) }));
}

/** Scan Functions -> their gradcheck cases. */
export const cases: CaseTable = {
  cumsum: gradcheckCase(overOneDim((x, d) => cumsum(x, d!), {}, false)),
  // prod is a polynomial, smooth everywhere: a lattice with step 0.5 puts exact zeros (one or several per row) in most draws
  prod: gradcheckCase(
    fc.oneof(
      overOneDim((x, d, k) => prod(x, d, k), { min: -1.5, max: 1.5, lattice: { step: 0.5, offset: 0 } }, true),
      overOneDim((x, d, k) => prod(x, d, k), { min: 0.5, max: 1.5 }, true),
    ),
  ),
};
