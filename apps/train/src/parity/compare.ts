// Compares a computed tensor with its expected value: max abs error, normwise relative error, and the verdict.
import type { NDArray } from '@adder/tensor';
import type { Tolerance } from './tolerances';
import type { Comparison } from './types';

/**
 * Compares `actual` with `expected` under `tol`. Shapes must match exactly; integer tensors
 * (num_batches_tracked) must match exactly; float tensors pass when
 * max|actual - expected| <= atol + rtol * max|expected|. A NaN anywhere fails.
 */
export function compareTensor(name: string, actual: NDArray, expected: NDArray, tol: Tolerance): Comparison {
  if (actual.shape.length !== expected.shape.length || actual.shape.some((d, i) => d !== expected.shape[i])) {
    return fail(name, `shape [${actual.shape.join(', ')}] but expected [${expected.shape.join(', ')}]`);
  }
  const a = actual.toTyped();
  const e = expected.toTyped();
  const exact = expected.dtype === 'int32' || expected.dtype === 'uint8';
  let maxAbs = 0;
  let maxExp = 0;
  let nan = false;
  for (let i = 0; i < e.length; i++) {
    const ai = a[i]!;
    const ei = e[i]!;
    const d = Math.abs(ai - ei);
    if (Number.isNaN(d)) nan = true;
    else if (d > maxAbs) maxAbs = d;
    const m = Math.abs(ei);
    if (m > maxExp) maxExp = m;
  }
  const maxRel = maxExp > 0 ? maxAbs / maxExp : maxAbs > 0 ? Infinity : 0;
  const bound = exact ? 0 : tol.atol + tol.rtol * maxExp;
  if (nan) return { name, maxAbs: NaN, maxRel: NaN, bound, pass: false, problem: 'NaN in the result or the expected value' };
  return { name, maxAbs, maxRel, bound, pass: maxAbs <= bound };
}

function fail(name: string, problem: string): Comparison {
  return { name, maxAbs: NaN, maxRel: NaN, bound: 0, pass: false, problem };
}
