// Gradcheck cases for the activations, keyed by Function name (ops/activations.ts; run by activations.test.ts).
import fc from 'fast-check';
import { cos, elu, gelu, hardtanh, leakyRelu, log1p, logSigmoid, silu, sin, softplus, type Tensor } from '@adder/autograd';
import { gradcheckCase, shapeArb, tensorArb, type CaseTable, type GradProblem, type ValueSpec } from '@adder/autograd/testing';

/** A unary problem on a drawn shape and layout. */
function unary(f: (x: Tensor) => Tensor, spec: ValueSpec = {}): fc.Arbitrary<GradProblem> {
  return shapeArb()
    .chain((s) => tensorArb(s, spec))
    .map((x) => ({ inputs: [x], fn: f }));
}

const wide: ValueSpec = { min: -3, max: 3 };

/** Activation Functions -> their gradcheck cases. */
export const cases: CaseTable = {
  // kinks at the bounds, default and given
  hardtanh: gradcheckCase(fc.oneof(unary((x) => hardtanh(x), { min: -2, max: 2, kinks: [-1, 1] }), unary((x) => hardtanh(x, -0.5, 0.4), { kinks: [-0.5, 0.4] }))),
  leakyRelu: gradcheckCase(fc.oneof(unary((x) => leakyRelu(x), { kinks: [0] }), unary((x) => leakyRelu(x, 0.3), { kinks: [0] }))),
  gelu: gradcheckCase(fc.oneof(unary((x) => gelu(x), { min: -4, max: 4 }), unary((x) => gelu(x, { approximate: 'tanh' }), { min: -4, max: 4 }))),
  silu: gradcheckCase(unary(silu, { min: -5, max: 5 })),
  // alpha 1 is smooth at 0 to first order; alpha 0.5 has a kink there
  elu: gradcheckCase(fc.oneof(unary((x) => elu(x), wide), unary((x) => elu(x, 0.5), { ...wide, kinks: [0] }))),
  // beta 2, threshold 1: the switch to the identity at x = 0.5 is a kink (of size e^-1 / (1 + e^-1))
  softplus: gradcheckCase(fc.oneof(unary((x) => softplus(x), { min: -5, max: 5 }), unary((x) => softplus(x, 2, 1), { ...wide, kinks: [0.5] }))),
  logSigmoid: gradcheckCase(unary(logSigmoid, { min: -30, max: 30 })),
  log1p: gradcheckCase(unary(log1p, { min: -0.5, max: 3 })),
  sin: gradcheckCase(unary(sin, wide)),
  cos: gradcheckCase(unary(cos, wide)),
};
