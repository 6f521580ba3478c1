// Test helpers: seeded random inputs, NDArray <-> oracle conversion, and a relative closeness check.
import { expect } from 'vitest';
import { Generator, NDArray, randn, type DType } from '@adder/tensor';
import type { Dense } from '@adder/tensor/testing';

/** A seeded N(mean, std) array. */
export function normal(shape: number[], seed: number, dtype: DType = 'float64', std = 1, mean = 0): NDArray {
  return randn(shape, { dtype, std, mean, generator: new Generator(seed) });
}

/** The oracle's float64 copy of an NDArray. */
export function dense(a: NDArray): Dense {
  return { data: Array.from(a.contiguous().toTyped()), shape: [...a.shape] };
}

/** Expects equal shapes and |a - b| <= atol + rtol * max|b| elementwise (the scale is the whole array's). */
export function expectClose(a: NDArray, b: Dense, rtol: number, atol = 0): void {
  expect([...a.shape]).toEqual(b.shape);
  const got = a.contiguous().toTyped();
  let scale = 0;
  for (let i = 0; i < b.data.length; i++) scale = Math.max(scale, Math.abs(b.data[i]!));
  const tol = atol + rtol * scale;
  let worst = 0;
  let at = -1;
  for (let i = 0; i < b.data.length; i++) {
    const d = Math.abs(got[i]! - b.data[i]!);
    if (!(d <= worst)) {
      worst = d;
      at = i;
    }
  }
  expect(worst, `max |diff| ${worst} at flat index ${at} (got ${got[at]}, want ${b.data[at]}), tolerance ${tol}`).toBeLessThanOrEqual(tol);
}
