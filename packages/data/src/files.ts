// File helpers with clear errors: existence checks, and reading a file that may be gzip'ed (CRC checked by zlib).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import { ResourceLimitError } from '@adder/io';
import { DataError } from './errors';
import { DEFAULT_DATA_LIMITS } from './limits';

/** True when the buffer starts with the gzip magic bytes 1f 8b. */
export function isGzip(buf: Uint8Array): boolean {
  return buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b;
}

/** A Uint8Array view of a node Buffer (same memory). */
export function bytesOf(buf: Buffer): Uint8Array {
  return new Uint8Array(buf.buffer as ArrayBuffer, buf.byteOffset, buf.byteLength);
}

/** What bounds a gzip stream's output: the byte count, the limit's name and how to raise it ('' when it cannot be raised). */
export interface InflateBound {
  maxBytes: number;
  limit: string;
  howToRaise?: string;
}

/**
 * Decompresses a gzip buffer into at most `bound.maxBytes` bytes (default: maxDecompressedBytes); more is a
 * ResourceLimitError, a bad CRC, length or truncated stream a DataError, both naming `file`.
 */
export function gunzipChecked(buf: Uint8Array, file: string, bound: InflateBound = { maxBytes: DEFAULT_DATA_LIMITS.maxDecompressedBytes, limit: 'maxDecompressedBytes' }): Uint8Array {
  const { maxBytes } = bound;
  try {
    // maxOutputLength makes zlib stop inflating as soon as the output would pass maxBytes: a bomb costs maxBytes at most.
    return bytesOf(gunzipSync(buf, { maxOutputLength: Math.max(maxBytes, 1) }));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new ResourceLimitError(file, 'gzip stream', bound.limit, maxBytes, `inflates to more than ${maxBytes} bytes`, bound.howToRaise);
    }
    throw corruptGzip(file, e);
  }
}

function corruptGzip(file: string, e: unknown): DataError {
  const found = e instanceof Error ? e.message : String(e);
  return new DataError(file, `expected a valid gzip stream (CRC-32 and length matching its trailer), found a corrupt one (zlib: ${found})`);
}

/**
 * The first bytes a gzip stream inflates to (at least `want` when the stream has them), read from growing prefixes of
 * the compressed bytes, so that a header can be checked before the whole stream is inflated. At most 64 MiB come out.
 */
export function gunzipHead(buf: Uint8Array, file: string, want: number): Uint8Array {
  let out: Uint8Array = new Uint8Array(0);
  for (let n = 256; ; n *= 4) {
    const prefix = buf.subarray(0, Math.min(n, buf.length));
    try {
      out = bytesOf(gunzipSync(prefix, { finishFlush: zlibConstants.Z_SYNC_FLUSH, maxOutputLength: 64 << 20 }));
    } catch (e) {
      throw corruptGzip(file, e);
    }
    if (out.length >= want || prefix.length === buf.length || n >= 1 << 16) return out;
  }
}

/** Reads a file, gunzipping it (into at most maxBytes) when it starts with the gzip magic. */
export function readMaybeGzip(file: string, maxBytes: number = DEFAULT_DATA_LIMITS.maxDecompressedBytes): Uint8Array {
  const raw = readFileChecked(file);
  return isGzip(raw) ? gunzipChecked(raw, file, { maxBytes, limit: 'maxDecompressedBytes' }) : raw;
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
