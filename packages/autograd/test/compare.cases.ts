// The case table of ops/compare.ts (run by compare.test.ts). It is empty on purpose: comparisons,
// argmax/argmin and sign register no Function, because their results never require grad (their derivative
// is zero or undefined everywhere). A Function added to ops/compare.ts gets its case here.
import type { CaseTable } from '@adder/autograd/testing';

/** ops/compare.ts registers no Function. */
export const cases: CaseTable = {};
