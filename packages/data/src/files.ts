// File helpers with clear errors: existence checks, and reading a file that may be gzip'ed (CRC checked by zlib).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { DataError } from './errors';

/** True when the buffer starts with the gzip magic bytes 1f 8b. */
export function isGzip(buf: Uint8Array): boolean {
  return buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b;
}

/** A Uint8Array view of a node Buffer (same memory). */
export function bytesOf(buf: Buffer): Uint8Array {
  return new Uint8Array(buf.buffer as ArrayBuffer, buf.byteOffset, buf.byteLength);
}

/** Decompresses a gzip buffer; a bad CRC, length or truncated stream throws a DataError naming `file`. */
export function gunzipChecked(buf: Uint8Array, file: string): Uint8Array {
  try {
    return bytesOf(gunzipSync(buf));
  } catch (e) {
    const found = e instanceof Error ? e.message : String(e);
    throw new DataError(file, `expected a valid gzip stream (CRC-32 and length matching its trailer), found a corrupt one (zlib: ${found})`);
  }
}

/** Reads a file, gunzipping it when it starts with the gzip magic. */
export function readMaybeGzip(file: string): Uint8Array {
  const raw = readFileChecked(file);
  return isGzip(raw) ? gunzipChecked(raw, file) : raw;
}

/** Reads a file; a missing file throws a DataError naming it. */
export function readFileChecked(file: string): Uint8Array {
  if (!existsSync(file)) throw new DataError(file, 'expected a file here, found nothing');
  return bytesOf(readFileSync(file));
}

/** Throws a DataError unless `dir` is an existing folder. */
export function requireFolder(dir: string, what: string): void {
  if (!existsSync(dir)) throw new DataError(dir, `expected a folder holding ${what}, found nothing (missing folder)`);
  if (!statSync(dir).isDirectory()) throw new DataError(dir, `expected a folder holding ${what}, found a file`);
}

/** The first of `names` (tried as given and with `.gz`) that exists in `dir`, or null. */
export function findFile(dir: string, names: readonly string[]): string | null {
  for (const name of names) {
    for (const candidate of [name, `${name}.gz`]) {
      const path = `${dir}/${candidate}`;
      if (existsSync(path)) return path;
    }
  }
  return null;
}
