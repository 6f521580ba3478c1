// Helpers for the tests that hold a simd kernel against its js twin (other packages import this as
// '@adder/tensor/testing/twins'): run on one backend, compare values exactly, draw seeded values.
import { getBackend, setBackend, type BackendName } from '../src/index';

/** Runs f on `backend` and restores the backend that was active before. */
export function onBackend<T>(backend: BackendName, f: () => T): T {
  const before = getBackend();
  setBackend(backend);
  try {
    return f();
  } finally {
    setBackend(before);
  }
}

/** Values with their exact identity, for toEqual: NaN as one value, -0 apart from +0. */
export function exactValues(a: ArrayLike<number>): Array<number | string> {
  return Array.from(a, (v) => (Number.isNaN(v) ? 'NaN' : Object.is(v, -0) ? '-0' : v));
}

/** A seeded stream of uniform numbers in [0, 1) (a 32-bit LCG: Numerical Recipes' constants). */
export function seededUniform(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
