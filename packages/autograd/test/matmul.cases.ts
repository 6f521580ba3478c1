// Gradcheck case for matmul, keyed by Function name (ops/matmul.ts; run by matmul.test.ts).
import fc from 'fast-check';
import { matmul, type Tensor } from '@adder/autograd';
import { gradcheckCase, tensorArb, type CaseTable, type GradProblem } from '@adder/autograd/testing';

/** matmul problems: (..., M, K) x (..., K, N) with broadcast batch dims, or 1-D operands. */
const matmulProblems: fc.Arbitrary<GradProblem> = fc
  .record({
    m: fc.integer({ min: 1, max: 4 }),
    k: fc.integer({ min: 1, max: 4 }),
    n: fc.integer({ min: 1, max: 4 }),
    batchA: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
    ones: fc.array(fc.boolean(), { minLength: 2, maxLength: 2 }),
    aVec: fc.boolean(),
    bVec: fc.boolean(),
  })
  .chain(({ m, k, n, batchA, ones, aVec, bVec }) => {
    const batchB = batchA.map((d, i) => (ones[i] ? 1 : d)).slice(ones[0] ? 1 : 0);
    const sa = aVec ? [k] : [...batchA, m, k];
    const sb = bVec ? [k] : [...batchB, k, n];
    return fc.tuple(tensorArb(sa), tensorArb(sb));
  })
  .map(([a, b]) => ({ inputs: [a, b], fn: (x: Tensor, y: Tensor) => matmul(x, y) }));

/** matmul -> its gradcheck case. */
export const cases: CaseTable = {
  matmul: gradcheckCase(matmulProblems),
};
