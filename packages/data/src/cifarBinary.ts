// The CIFAR binary record formats: CIFAR-10 (1 label byte + 3,072 CHW pixels) and CIFAR-100 (coarse, fine, 3,072 pixels).
import { DataError } from './errors';

/** Pixel bytes of one CIFAR image: 3 channels (R, G, B planes) of 32x32. */
export const CIFAR_IMAGE_BYTES = 3 * 32 * 32;

/** The records of one CIFAR binary file. `coarse` is set for CIFAR-100 (2 label bytes). */
export interface CifarRecords {
  pixels: Uint8Array;
  labels: Int32Array;
  coarse: Int32Array | null;
}

/**
 * Parses CIFAR binary records; `labelBytes` is 1 (CIFAR-10) or 2 (CIFAR-100: coarse then fine). Checks size and label
 * range, and, when `expectedRecords` is given, that the file holds exactly that many records (a file cut at a record
 * boundary is otherwise well-formed).
 */
export function parseCifarBinary(buf: Uint8Array, file: string, labelBytes: 1 | 2, numClasses: number, numCoarse = 20, expectedRecords?: number): CifarRecords {
  const recordBytes = labelBytes + CIFAR_IMAGE_BYTES;
  if (buf.length === 0 || buf.length % recordBytes !== 0) {
    throw new DataError(file, `expected a size that is a non-zero multiple of ${recordBytes} bytes (${labelBytes} label byte${labelBytes > 1 ? 's' : ''} + ${CIFAR_IMAGE_BYTES} pixel bytes per record), found ${buf.length} bytes (${buf.length % recordBytes} left over: truncated?)`);
  }
  const n = buf.length / recordBytes;
  if (expectedRecords !== undefined && n !== expectedRecords) throw partialError(file, expectedRecords, n);
  const pixels = new Uint8Array(n * CIFAR_IMAGE_BYTES);
  const labels = new Int32Array(n);
  const coarse = labelBytes === 2 ? new Int32Array(n) : null;
  for (let i = 0; i < n; i++) {
    const rec = i * recordBytes;
    const fine = buf[rec + labelBytes - 1]!;
    if (fine >= numClasses) throw new DataError(file, `expected labels below ${numClasses}, found ${fine} in record ${i}`);
    labels[i] = fine;
    if (coarse) {
      const c = buf[rec]!;
      if (c >= numCoarse) throw new DataError(file, `expected coarse labels below ${numCoarse}, found ${c} in record ${i}`);
      coarse[i] = c;
    }
    pixels.set(buf.subarray(rec + labelBytes, rec + recordBytes), i * CIFAR_IMAGE_BYTES);
  }
  return { pixels, labels, coarse };
}

/** The refusal of a CIFAR file whose record count is not the official one. */
export function partialError(file: string, expected: number, found: number): DataError {
  return new DataError(file, `expected the official ${expected} records, found ${found} (a cut or partial file; pass allowPartial: true, or --allow-partial-cifar, to load it anyway)`);
}

/** Parses a class-name file (one name per line; blank lines ignored), checking the count. */
export function parseClassNames(text: string, file: string, expected: number): string[] {
  const names = text.split(/\r?\n/).map((s) => s.trim()).filter((s) => s.length > 0);
  if (names.length !== expected) throw new DataError(file, `expected ${expected} class names, found ${names.length}`);
  return names;
}

/** Concatenates parsed record sets (the five CIFAR-10 training batches) in order. */
export function concatRecords(parts: readonly CifarRecords[]): CifarRecords {
  let n = 0;
  for (const p of parts) n += p.labels.length;
  const pixels = new Uint8Array(n * CIFAR_IMAGE_BYTES);
  const labels = new Int32Array(n);
  const withCoarse = parts.length > 0 && parts.every((p) => p.coarse !== null);
  const coarse = withCoarse ? new Int32Array(n) : null;
  let at = 0;
  for (const p of parts) {
    pixels.set(p.pixels, at * CIFAR_IMAGE_BYTES);
    labels.set(p.labels, at);
    if (coarse && p.coarse) coarse.set(p.coarse, at);
    at += p.labels.length;
  }
  return { pixels, labels, coarse };
}
