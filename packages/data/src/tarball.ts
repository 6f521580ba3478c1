// Reads members of a .tar.gz into memory: node's zlib (CRC checked) for the gzip layer, the `tar` package for the tar layer.
import { Parser, type ReadEntry } from 'tar';
import { DataError } from './errors';
import { gunzipChecked, readFileChecked } from './files';
import { ResourceLimitError } from '@adder/io';
import { DEFAULT_DATA_LIMITS, type DataLimits } from './limits';

/**
 * Reads the regular-file members of `file` whose path `wanted` accepts; returns them by member path. The gzip layer
 * inflates to at most the size its trailer states (ISIZE, the length mod 2^32), itself at most maxDecompressedBytes.
 */
export async function readTarGzMembers(file: string, wanted: (path: string) => boolean, limits: Partial<DataLimits> = {}): Promise<Map<string, Uint8Array>> {
  const raw = readFileChecked(file);
  const maxBytes = limits.maxDecompressedBytes ?? DEFAULT_DATA_LIMITS.maxDecompressedBytes;
  const stated = raw.length >= 18 ? new DataView(raw.buffer, raw.byteOffset, raw.byteLength).getUint32(raw.length - 4, true) : 0;
  if (stated > maxBytes) throw new ResourceLimitError(file, 'gzip trailer', 'maxDecompressedBytes', maxBytes, `the stream states ${stated} bytes`);
  const bound = maxBytes < 2 ** 32 ? { maxBytes: stated, limit: 'the size its gzip trailer states', howToRaise: '' } : { maxBytes, limit: 'maxDecompressedBytes' };
  const tarBytes = gunzipChecked(raw, file, bound);
  const members = new Map<string, Uint8Array>();
  await new Promise<void>((resolve, reject) => {
    const parser = new Parser({
      strict: true,
      onReadEntry: (entry: ReadEntry) => {
        if (entry.type !== 'File' || !wanted(entry.path)) {
          entry.resume();
          return;
        }
        const chunks: Uint8Array[] = [];
        entry.on('data', (chunk: Buffer) => chunks.push(new Uint8Array(chunk.buffer as ArrayBuffer, chunk.byteOffset, chunk.byteLength)));
        entry.on('end', () => members.set(entry.path, concatBytes(chunks)));
      },
    });
    parser.on('error', (e: Error) => reject(new DataError(file, `expected a valid tar archive inside the gzip, found an error: ${e.message}`)));
    parser.on('end', () => resolve());
    parser.end(Buffer.from(tarBytes.buffer, tarBytes.byteOffset, tarBytes.byteLength));
  });
  return members;
}

/** Concatenates byte chunks into one Uint8Array. */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const c of chunks) total += c.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
