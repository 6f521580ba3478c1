// Shared helpers for the pickle and checkpoint tests: fixture paths, the expected-values sidecar, canonical values.
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PickleExtension, PickleValue } from '../src/pickle';
import { PyGlobal, PyObject, isTuple } from '../src/pickle';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root (three levels up from packages/io/test). */
export const REPO_ROOT = resolve(here, '..', '..', '..');
/** fixtures/pth in the repository. */
export const PTH_DIR = join(REPO_ROOT, 'fixtures', 'pth');
/** The official checkpoint, outside the repository (may be absent). */
export const OFFICIAL_PTH = resolve(REPO_ROOT, '..', 'shared', 'checkpoints', 'ResNet20-AdderNet.pth');
export const HAS_OFFICIAL = existsSync(OFFICIAL_PTH);

/** A fixture file's path. */
export function fixture(name: string): string {
  return join(PTH_DIR, name);
}

/** A fixture file's bytes. */
export function fixtureBytes(name: string): Uint8Array {
  const b = readFileSync(fixture(name));
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** One tensor as gen_pth.py recorded it from torch. */
export interface ExpectedTensor {
  shape: number[];
  dtype: string;
  stride: number[];
  storage_offset: number;
  values: number[];
}

/** fixtures/pth/expected.json. */
export interface ExpectedFile {
  torch_version: string;
  files: Record<string, Record<string, ExpectedTensor>>;
  numpy: Record<string, Record<string, unknown>>;
  values: unknown;
  opcodes: Record<string, number>;
}

/** The sidecar written by tools/golden/gen_pth.py from the same tensors it saved. */
export const EXPECTED: ExpectedFile = JSON.parse(readFileSync(join(PTH_DIR, 'expected.json'), 'utf8')) as ExpectedFile;

/** The JSON form gen_pth.py's canonical() gives Python values, computed here from unpickled values. */
export function canonical(v: PickleValue): unknown {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : { float: Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf' };
  if (typeof v === 'bigint') return { int: v.toString() };
  if (v instanceof Uint8Array) return { bytes: Buffer.from(v).toString('hex') };
  if (Array.isArray(v)) return isTuple(v) ? { tuple: [...v].map(canonical) } : [...(v as PickleValue[])].map(canonical);
  if (v instanceof Set) return { set: [...v].map(canonical).sort((a, b) => ((a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0)) };
  if (v instanceof Map) return { dict: [...v].map(([k, x]) => [canonical(k), canonical(x)]) };
  if (v instanceof PyGlobal) return { global: v.qualifiedName };
  if (v instanceof PyObject) return { object: v.className };
  return { extension: (v as PickleExtension).pickleKind };
}
