// Reading a fixture: its tensors and metadata, typed accessors for options, and helpful errors.
import { basename } from 'node:path';
import { loadSafetensors } from '@adder/io';
import type { NDArray } from '@adder/tensor';
import type { Fixture } from './types';

/** An error in a fixture's contents (missing tensor, bad option); the runner reports it as FAIL. */
export class FixtureError extends Error {
  constructor(fixture: string, message: string) {
    super(`${fixture}: ${message}`);
    this.name = 'FixtureError';
  }
}

/** Loads a fixture file. */
export function loadFixture(path: string): Fixture {
  const { tensors, metadata } = loadSafetensors(path);
  return { name: basename(path).replace(/\.safetensors$/, ''), path, metadata, tensors };
}

/** A required tensor of the fixture. */
export function tensorOf(fx: Fixture, key: string): NDArray {
  const t = fx.tensors[key];
  if (t === undefined) throw new FixtureError(fx.name, `missing tensor '${key}'`);
  return t;
}

/** An optional tensor of the fixture. */
export function optionalTensor(fx: Fixture, key: string): NDArray | undefined {
  return fx.tensors[key];
}

/** A numeric option, or `fallback` (PyTorch's default) when absent. */
export function numberOption(fx: Fixture, key: string, fallback: number): number {
  const raw = fx.metadata[key];
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v)) throw new FixtureError(fx.name, `option ${key}='${raw}' is not a number`);
  return v;
}

/** A boolean option ('true'/'false', also '1'/'0' and Python's 'True'/'False'), or `fallback`. */
export function boolOption(fx: Fixture, key: string, fallback: boolean): boolean {
  const raw = fx.metadata[key];
  if (raw === undefined) return fallback;
  const v = raw.toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new FixtureError(fx.name, `option ${key}='${raw}' is not a boolean`);
}

/** A per-step numeric option: one value for every step, or a comma-separated list of `steps` values. */
export function numberListOption(fx: Fixture, key: string, steps: number, fallback?: number): number[] {
  const raw = fx.metadata[key];
  if (raw === undefined) {
    if (fallback === undefined) throw new FixtureError(fx.name, `missing option ${key}`);
    return new Array<number>(steps).fill(fallback);
  }
  const parts = raw.split(',').map((s) => (s.trim() === '' ? NaN : Number(s))); // '1,,2' is an error, not 1, 0, 2
  if (parts.some((v) => !Number.isFinite(v))) throw new FixtureError(fx.name, `option ${key}='${raw}' is not a number list`);
  if (parts.length === 1) return new Array<number>(steps).fill(parts[0]!);
  if (parts.length !== steps) throw new FixtureError(fx.name, `option ${key} lists ${parts.length} values for ${steps} steps`);
  return parts;
}

/** A required string option. */
export function stringOption(fx: Fixture, key: string): string {
  const raw = fx.metadata[key];
  if (raw === undefined) throw new FixtureError(fx.name, `missing option ${key}`);
  return raw;
}

/** The gradient a backward pass left on `t`, or a FixtureError saying that none reached it. */
export function gradOf(fx: Fixture, t: { grad: { data: NDArray } | null }, what: string): NDArray {
  if (t.grad === null) throw new FixtureError(fx.name, `no gradient reached ${what}`);
  return t.grad.data;
}
