// The parity harness's vocabulary: a loaded fixture, one tensor comparison, one fixture's verdict.
import type { NDArray } from '@adder/tensor';

/** One golden fixture: its file name (without .safetensors), metadata and tensors. */
export interface Fixture {
  name: string;
  path: string;
  metadata: Record<string, string>;
  tensors: Record<string, NDArray>;
}

/** The result of comparing one computed tensor with its `expected.` counterpart. */
export interface Comparison {
  /** The expected tensor's name without the `expected.` prefix. */
  name: string;
  /** max |actual - expected|. */
  maxAbs: number;
  /** maxAbs / max |expected| (normwise relative error; 0 when both are all zero). */
  maxRel: number;
  /** The bound maxAbs was held to: atol + rtol * max |expected|. */
  bound: number;
  pass: boolean;
  /** Why it failed when it did not fail on the numbers (shape or dtype mismatch). */
  problem?: string;
}

/** The verdict on one fixture. */
export interface FixtureResult {
  name: string;
  pass: boolean;
  comparisons: Comparison[];
  /** Set when the fixture could not be run at all (unknown kind, missing tensor, a thrown error). */
  error?: string;
  seconds: number;
}

/** Runs one fixture and returns the comparisons of every `expected.` tensor it holds. */
export type FixtureHandler = (fx: Fixture) => Comparison[];
