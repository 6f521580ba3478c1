// A reader for the subset of zip that torch.save writes: stored (uncompressed) entries, zip64 sizes, CRC-checked.
import { crc32 } from './crc32';

/** A malformed or unsupported zip; the caller adds the file name. */
export class ZipFormatError extends Error {}

/** One entry of a zip's central directory, with its data located and verified lazily. */
export interface ZipEntry {
  readonly name: string;
  readonly size: number;
  /** The entry's bytes (a view into the archive), after size and CRC-32 checks. */
  read(): Uint8Array;
}

const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;

/** True when the bytes start like a zip archive (a local file header). */
export function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

function u64(view: DataView, at: number): number {
  const v = view.getBigUint64(at, true);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipFormatError(`a zip64 field (${v}) is too large`);
  return Number(v);
}

/** Zip64 extended-information extra field (id 0x0001): replaces the fields that were 0xFFFFFFFF, in order. */
function applyZip64(view: DataView, extraStart: number, extraLen: number, fields: { size: number; csize: number; offset: number }): void {
  let p = extraStart;
  const end = extraStart + extraLen;
  while (p + 4 <= end) {
    const id = view.getUint16(p, true);
    const len = view.getUint16(p + 2, true);
    if (id === 0x0001) {
      let q = p + 4;
      if (fields.size === 0xffffffff) { fields.size = u64(view, q); q += 8; }
      if (fields.csize === 0xffffffff) { fields.csize = u64(view, q); q += 8; }
      if (fields.offset === 0xffffffff) { fields.offset = u64(view, q); q += 8; }
      return;
    }
    p += 4 + len;
  }
}

/** Lists the entries of a zip archive held in memory. Compressed entries are refused when read. */
export function readZipDirectory(bytes: Uint8Array): Map<string, ZipEntry> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The end-of-central-directory record is in the last 22 + 65535 (comment) bytes.
  let eocd = -1;
  for (let p = bytes.length - 22; p >= Math.max(0, bytes.length - 22 - 0xffff); p--) {
    if (view.getUint32(p, true) === EOCD_SIG) { eocd = p; break; }
  }
  if (eocd < 0) throw new ZipFormatError('no end-of-central-directory record: the zip is truncated or corrupt');
  let count = view.getUint16(eocd + 10, true);
  let dirSize = view.getUint32(eocd + 12, true);
  let dirOffset = view.getUint32(eocd + 16, true);
  if (eocd >= 20 && view.getUint32(eocd - 20, true) === ZIP64_LOCATOR_SIG) {
    const z = u64(view, eocd - 12);
    if (z + 56 > bytes.length || view.getUint32(z, true) !== ZIP64_EOCD_SIG) throw new ZipFormatError('bad zip64 end-of-central-directory record');
    count = u64(view, z + 32);
    dirSize = u64(view, z + 40);
    dirOffset = u64(view, z + 48);
  }
  if (dirOffset + dirSize > bytes.length) {
    throw new ZipFormatError(`the central directory (${dirSize} bytes at ${dirOffset}) runs past the end of the ${bytes.length}-byte file`);
  }
  const entries = new Map<string, ZipEntry>();
  const names = new TextDecoder('utf-8');
  let p = dirOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > bytes.length || view.getUint32(p, true) !== CENTRAL_SIG) throw new ZipFormatError(`central directory entry ${i} is corrupt`);
    const method = view.getUint16(p + 10, true);
    const crc = view.getUint32(p + 16, true);
    const fields = { csize: view.getUint32(p + 20, true), size: view.getUint32(p + 24, true), offset: view.getUint32(p + 42, true) };
    const nameLen = view.getUint16(p + 28, true);
    const extraLen = view.getUint16(p + 30, true);
    const commentLen = view.getUint16(p + 32, true);
    if (p + 46 + nameLen + extraLen > bytes.length) throw new ZipFormatError(`central directory entry ${i} runs past the end of the file`);
    const name = names.decode(bytes.subarray(p + 46, p + 46 + nameLen));
    applyZip64(view, p + 46 + nameLen, extraLen, fields);
    p += 46 + nameLen + extraLen + commentLen;
    const { size, csize, offset } = fields;
    entries.set(name, {
      name,
      size,
      read(): Uint8Array {
        if (method !== 0) throw new ZipFormatError(`entry ${name} is compressed (method ${method}); torch writes stored entries only`);
        if (csize !== size) throw new ZipFormatError(`stored entry ${name} has compressed size ${csize} but size ${size}`);
        if (offset + 30 > bytes.length || view.getUint32(offset, true) !== LOCAL_SIG) throw new ZipFormatError(`entry ${name}: no local header at byte ${offset}`);
        const start = offset + 30 + view.getUint16(offset + 26, true) + view.getUint16(offset + 28, true);
        if (start + size > bytes.length) {
          throw new ZipFormatError(`entry ${name} needs ${size} bytes at byte ${start} but the file ends at byte ${bytes.length}`);
        }
        const data = bytes.subarray(start, start + size);
        const actual = crc32(data);
        if (actual !== crc) throw new ZipFormatError(`entry ${name} fails its CRC-32 check (stored ${crc.toString(16)}, computed ${actual.toString(16)})`);
        return data;
      },
    });
  }
  return entries;
}
