// The registry case for 'adder2d' (surrogate gradient): its declared backward against the reference transcription;
// run by adder2d.test.ts, and registry.test.ts checks that the case tables cover the registry.
import fc from 'fast-check';
import { Tensor } from '@adder/autograd';
import { checkDeclaredBackward, declaredBackwardCase, makeTensor, type CaseTable, type Layout } from '@adder/autograd/testing';
import { NDArray } from '@adder/tensor';
import { adder2d } from '../src/index';
import type { Dense } from '@adder/tensor/testing';
import { oracleBackward } from './adderOracle';
import { dense } from './helpers';

/** A Dense oracle result as an NDArray. */
function toNDArray(d: Dense): NDArray {
  return NDArray.fromTyped(Float64Array.from(d.data), d.shape);
}

const problemArb = fc.record({
  n: fc.integer({ min: 1, max: 3 }),
  cin: fc.integer({ min: 1, max: 3 }),
  cout: fc.integer({ min: 1, max: 5 }),
  k: fc.constantFrom(1, 3),
  stride: fc.constantFrom(1, 2),
  padding: fc.constantFrom(0, 1),
  h: fc.integer({ min: 3, max: 6 }),
  w: fc.integer({ min: 3, max: 7 }),
  eta: fc.constantFrom(0.2, 0.05),
  layout: fc.constantFrom<Layout>('contiguous', 'permuted', 'sliced'),
  seed: fc.integer({ min: 1, max: 1e6 }),
  // Weights near the inputs (both clamp branches) or far from them (the clamp saturates).
  far: fc.boolean(),
});

/** 'adder2d' -> a check of its backward against oracleBackward on drawn shapes, options and layouts. */
export const cases: CaseTable = {
  adder2d: declaredBackwardCase(() => {
    fc.assert(
      fc.property(problemArb, (p) => {
        const x = makeTensor([p.n, p.cin, p.h, p.w], p.layout, p.seed, { min: -1.5, max: 1.5 });
        const range = p.far ? { min: 2.5, max: 4 } : { min: -1.5, max: 1.5 };
        const wt = makeTensor([p.cout, p.cin, p.k, p.k], p.layout, p.seed + 1, range);
        const opts = { stride: p.stride, padding: p.padding, eta: p.eta };
        checkDeclaredBackward(
          (a: Tensor, b: Tensor) => adder2d(a, b, opts),
          [x, wt],
          ([xa, wa], g) => {
            const r = oracleBackward(dense(xa!), dense(wa!), dense(g), p.stride, p.padding, p.eta);
            return [toNDArray(r.gradX), toNDArray(r.gradW)];
          },
          { rtol: 1e-9, atol: 1e-10, seed: p.seed },
        );
      }),
      { numRuns: 40 },
    );
  }),
};
