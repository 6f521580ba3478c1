// Running fixtures: one file -> one verdict (every `expected.` tensor must be compared), a folder -> all of them.
import { readdirSync, statSync } from 'node:fs';
import { CliError } from '../cli/errors';
import { join } from 'node:path';
import { loadFixture } from './fixture-io';
import { handlerFor } from './registry';
import type { Comparison, FixtureResult } from './types';

/** Runs one fixture file. Never throws: a load error, unknown kind/op or thrown error is a FAIL with a message. */
export function runFixture(path: string): FixtureResult {
  const t0 = performance.now();
  const name = path.replace(/^.*[\\/]/, '').replace(/\.safetensors$/, '');
  let comparisons: Comparison[] = [];
  try {
    const fx = loadFixture(path);
    comparisons = handlerFor(fx)(fx);
    const compared = new Set(comparisons.map((c) => c.name));
    const unchecked = Object.keys(fx.tensors).filter((k) => k.startsWith('expected.') && !compared.has(k.slice('expected.'.length)));
    if (unchecked.length > 0) {
      return done(name, comparisons, t0, `the handler did not check ${unchecked.length} expected tensor(s): ${unchecked.slice(0, 5).join(', ')}${unchecked.length > 5 ? ', ...' : ''}`);
    }
    if (comparisons.length === 0) return done(name, comparisons, t0, 'the fixture holds no expected tensors');
    return done(name, comparisons, t0);
  } catch (err) {
    return done(name, comparisons, t0, err instanceof Error ? err.message : String(err));
  }
}

function done(name: string, comparisons: Comparison[], t0: number, error?: string): FixtureResult {
  const pass = error === undefined && comparisons.every((c) => c.pass);
  const r: FixtureResult = { name, pass, comparisons, seconds: (performance.now() - t0) / 1000 };
  if (error !== undefined) r.error = error;
  return r;
}

/** The *.safetensors files of a folder, sorted by name. */
export function listFixtures(dir: string): string[] {
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new CliError('file', `parity: ${dir} is not a folder`);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.safetensors'))
    .sort()
    .map((f) => join(dir, f));
}

/** Runs every fixture of a folder, calling `onResult` after each. */
export function runFolder(dir: string, onResult?: (r: FixtureResult) => void): FixtureResult[] {
  return listFixtures(dir).map((p) => {
    const r = runFixture(p);
    onResult?.(r);
    return r;
  });
}
