// Gradcheck cases for the element-wise Functions, keyed by Function name (read by registry.test.ts).
import fc from 'fast-check';
import { abs, add, clamp, div, exp, log, maximum, minimum, mul, neg, pow, relu, rsqrt, sigmoid, sqrt, square, sub, tanh, where, type Tensor } from '@adder/autograd';
import { broadcastableShapeArb, gradcheckCase, maskArb, shapeArb, tensorArb, type CaseTable, type GradProblem, type ValueSpec } from '@adder/autograd/testing';

/** A unary problem: one drawn tensor and `f` of it. */
function unary(f: (x: Tensor) => Tensor, spec: ValueSpec = {}): fc.Arbitrary<GradProblem> {
  return shapeArb()
    .chain((s) => tensorArb(s, spec))
    .map((x) => ({ inputs: [x], fn: f }));
}

/** A binary problem with broadcasting: shapes drawn so that either operand may be the smaller one. */
function binary(f: (a: Tensor, b: Tensor) => Tensor, specA: ValueSpec = {}, specB: ValueSpec = specA): fc.Arbitrary<GradProblem> {
  return shapeArb()
    .chain((s) => fc.tuple(fc.constant(s), broadcastableShapeArb(s), fc.boolean()))
    .chain(([s, t, swap]) => fc.tuple(tensorArb(swap ? t : s, specA), tensorArb(swap ? s : t, specB)))
    .map(([a, b]) => ({ inputs: [a, b], fn: f }));
}

/** A binary problem with a plain-number operand (the number path of the binary ops). */
function withScalar(f: (a: Tensor, k: number) => Tensor, spec: ValueSpec = {}): fc.Arbitrary<GradProblem> {
  return fc.tuple(unary((x) => x, spec), fc.double({ min: 0.5, max: 2, noNaN: true })).map(([p, k]) => ({ inputs: p.inputs, fn: (x: Tensor) => f(x, k) }));
}

const positive: ValueSpec = { min: 0.5, max: 2 };
// maximum/minimum: a on the lattice 0.1k, b on 0.1k + 0.05, so a and b never tie (the kink)
const onLattice: ValueSpec = { lattice: { step: 0.1, offset: 0 } };
const offLattice: ValueSpec = { lattice: { step: 0.1, offset: 0.05 } };

/** Element-wise Functions -> their gradcheck cases. */
export const cases: CaseTable = {
  add: gradcheckCase(fc.oneof(binary(add), withScalar((x, k) => add(x, k)), withScalar((x, k) => add(k, x)))),
  sub: gradcheckCase(fc.oneof(binary(sub), withScalar((x, k) => sub(k, x)))),
  mul: gradcheckCase(fc.oneof(binary(mul), withScalar((x, k) => mul(x, k)))),
  div: gradcheckCase(fc.oneof(binary(div, {}, positive), withScalar((x, k) => div(k, x), positive))),
  pow: gradcheckCase(fc.oneof(binary(pow, positive, { min: -2, max: 2 }), withScalar((x, k) => pow(x, k), positive))),
  maximum: gradcheckCase(binary(maximum, onLattice, offLattice)),
  minimum: gradcheckCase(binary(minimum, offLattice, onLattice)),
  neg: gradcheckCase(unary(neg)),
  abs: gradcheckCase(unary(abs, { kinks: [0] })),
  exp: gradcheckCase(unary(exp)),
  log: gradcheckCase(unary(log, positive)),
  sqrt: gradcheckCase(unary(sqrt, positive)),
  rsqrt: gradcheckCase(unary(rsqrt, positive)),
  relu: gradcheckCase(unary(relu, { kinks: [0] })),
  sigmoid: gradcheckCase(unary(sigmoid, { min: -4, max: 4 })),
  tanh: gradcheckCase(unary(tanh, { min: -2, max: 2 })),
  square: gradcheckCase(unary(square)),
  clamp: gradcheckCase(unary((x) => clamp(x, -0.5, 0.4), { kinks: [-0.5, 0.4] })),
  where: gradcheckCase(
    shapeArb()
      .chain((s) => fc.tuple(maskArb(s), tensorArb(s), broadcastableShapeArb(s).chain((t) => tensorArb(t))))
      .map(([m, a, b]) => ({ inputs: [m, a, b], fn: (mm: Tensor, x: Tensor, y: Tensor) => where(mm, x, y) })),
  ),
};
