// Encodes a ubyte array in the IDX format (used by the sample script and by tests that build IDX files).
import { DataError } from './errors';

/** The IDX bytes of a ubyte array with the given dims (magic 0x0000080N, big-endian dims, then the data). */
export function encodeIdx(dims: readonly number[], data: Uint8Array): Uint8Array {
  const count = dims.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new DataError('encodeIdx', `expected ${count} bytes for dims [${dims.join(', ')}], found ${data.length}`);
  const out = new Uint8Array(4 + 4 * dims.length + count);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x00000800 | dims.length, false);
  dims.forEach((d, k) => view.setUint32(4 + 4 * k, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}
