// Generators of hostile data files (issue 19), written at test time: a gzip bomb behind a small IDX header, labels out
// of range, empty splits, a .tar.gz inflating past its trailer. Nothing here is committed as a binary.
import { writeFileSync } from 'node:fs';
import { constants, deflateRawSync } from 'node:zlib';
import { encodeIdx } from '../src/index';

/** A gzip member around raw deflate bytes (the CRC is left 0: a bomb is refused long before its trailer is read). */
export function gzipMember(deflated: Uint8Array, isize: number): Uint8Array {
  const header = Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
  const trailer = new Uint8Array(8);
  new DataView(trailer.buffer).setUint32(4, isize >>> 0, true);
  const out = new Uint8Array(header.length + deflated.length + trailer.length);
  out.set(header, 0);
  out.set(deflated, header.length);
  out.set(trailer, header.length + deflated.length);
  return out;
}

/** Raw deflate bytes inflating to `first` followed by `zeroMiB` MiB of zeros, about 1 KiB per MiB (flushed blocks repeated). */
export function deflateBomb(first: Uint8Array, zeroMiB: number): Uint8Array {
  const head = deflateRawSync(first, { finishFlush: constants.Z_FULL_FLUSH, level: 9 });
  const zeros = deflateRawSync(new Uint8Array(1 << 20), { finishFlush: constants.Z_FULL_FLUSH, level: 9 });
  const last = deflateRawSync(new Uint8Array(0));
  const body = new Uint8Array(head.length + zeros.length * zeroMiB + last.length);
  body.set(head, 0);
  for (let i = 0; i < zeroMiB; i++) body.set(zeros, head.length + i * zeros.length);
  body.set(last, head.length + zeros.length * zeroMiB);
  return body;
}

/** A .tar.gz whose trailer states `statedBytes` but whose stream inflates to `inflatedMiB` MiB of zeros. */
export function tarGzBomb(file: string, statedBytes: number, inflatedMiB = 3072): void {
  writeFileSync(file, gzipMember(deflateBomb(new Uint8Array(1 << 20), inflatedMiB - 1), statedBytes));
}

/**
 * A gzip'ed IDX image file whose header claims `images` 28x28 images but whose stream inflates to `inflatedMiB`
 * MiB: one fully flushed deflate block of 1 MiB of zeros is repeated (a flushed block stands alone), so the file
 * is about 1 KiB per inflated MiB (3 MiB for 3 GiB) and takes no time to build.
 */
export function idxGzipBomb(file: string, images = 32, inflatedMiB = 3072): void {
  const header = new Uint8Array(16);
  const view = new DataView(header.buffer);
  view.setUint32(0, 0x00000803, false);
  view.setUint32(4, images, false);
  view.setUint32(8, 28, false);
  view.setUint32(12, 28, false);
  const first = new Uint8Array(1 << 20);
  first.set(header);
  writeFileSync(file, gzipMember(deflateBomb(first, inflatedMiB - 1), inflatedMiB * 2 ** 20));
}

/** An IDX image file of `n` 28x28 images and its label file, with `badLabel` at `badIndex` (or no bad label). */
export function idxPair(imagesFile: string, labelsFile: string, n: number, badIndex = -1, badLabel = 10): void {
  const pixels = new Uint8Array(n * 28 * 28);
  const labels = new Uint8Array(n).map((_, i) => (i === badIndex ? badLabel : i % 10));
  writeFileSync(imagesFile, encodeIdx([n, 28, 28], pixels));
  writeFileSync(labelsFile, encodeIdx([n], labels));
}
