// A zip writer for the layout torch.save produces (PyTorchStreamWriter, caffe2/serialize/inline_container.cc):
// stored (uncompressed) entries with CRC-32, each entry's data starting at a multiple of 64 bytes, the padding
// carried in an extra field with id "FB". Zip structures: PKWARE APPNOTE.TXT sections 4.3.7, 4.3.12 and 4.3.16.
import { crc32 } from '../torch-checkpoint/crc32';
import { TorchSaveError } from './errors';

/** torch's kFieldAlignment: every record's data begins on a 64-byte boundary. */
export const ZIP_DATA_ALIGNMENT = 64;

const LOCAL_SIG = 0x04034b50;
const CENTRAL_SIG = 0x02014b50;
const EOCD_SIG = 0x06054b50;
const LOCAL_HEADER = 30;
const CENTRAL_HEADER = 46;
const EOCD = 22;
const PAD_FIELD_ID = 0x4246; // "FB", little-endian
const VERSION_NEEDED = 20;

/** The extra-field length that puts data after a header at `headerEnd` on the alignment (0, or >= 4 bytes). */
function paddingFor(headerEnd: number): number {
  const rem = headerEnd % ZIP_DATA_ALIGNMENT;
  if (rem === 0) return 0;
  let pad = ZIP_DATA_ALIGNMENT - rem;
  if (pad < 4) pad += ZIP_DATA_ALIGNMENT; // the field's own id and length take 4 bytes
  return pad;
}

/** Writes `records` (name -> bytes, in order) as a stored zip; throws TorchSaveError past the 4 GiB / 65535-entry limits. */
export function writeStoredZip(records: ReadonlyArray<readonly [string, Uint8Array]>, file: string): Uint8Array {
  const enc = new TextEncoder();
  const planned = records.map(([name, data]) => ({ name: enc.encode(name), data, crc: crc32(data), offset: 0, pad: 0 }));
  let pos = 0;
  for (const r of planned) {
    r.offset = pos;
    r.pad = paddingFor(pos + LOCAL_HEADER + r.name.length);
    pos += LOCAL_HEADER + r.name.length + r.pad + r.data.length;
  }
  const centralStart = pos;
  const centralSize = planned.reduce((s, r) => s + CENTRAL_HEADER + r.name.length, 0);
  const total = centralStart + centralSize + EOCD;
  if (total > 0xffffffff || planned.length > 0xffff) {
    throw new TorchSaveError(file, `expected at most 4 GiB in at most 65535 records (the zip format without zip64), found ${total} bytes in ${planned.length} records`);
  }
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  for (const r of planned) {
    let p = r.offset;
    view.setUint32(p, LOCAL_SIG, true);
    view.setUint16(p + 4, VERSION_NEEDED, true);
    view.setUint16(p + 6, 0, true); // flags
    view.setUint16(p + 8, 0, true); // method: stored
    view.setUint32(p + 10, 0, true); // time and date
    view.setUint32(p + 14, r.crc, true);
    view.setUint32(p + 18, r.data.length, true);
    view.setUint32(p + 22, r.data.length, true);
    view.setUint16(p + 26, r.name.length, true);
    view.setUint16(p + 28, r.pad, true);
    out.set(r.name, p + LOCAL_HEADER);
    p += LOCAL_HEADER + r.name.length;
    if (r.pad > 0) {
      view.setUint16(p, PAD_FIELD_ID, true);
      view.setUint16(p + 2, r.pad - 4, true); // the rest of the field is zeros
    }
    out.set(r.data, p + r.pad);
  }
  let p = centralStart;
  for (const r of planned) {
    view.setUint32(p, CENTRAL_SIG, true);
    view.setUint16(p + 4, VERSION_NEEDED, true); // version made by
    view.setUint16(p + 6, VERSION_NEEDED, true);
    view.setUint16(p + 8, 0, true);
    view.setUint16(p + 10, 0, true);
    view.setUint32(p + 12, 0, true);
    view.setUint32(p + 16, r.crc, true);
    view.setUint32(p + 20, r.data.length, true);
    view.setUint32(p + 24, r.data.length, true);
    view.setUint16(p + 28, r.name.length, true);
    // extra length, comment length, disk number, internal and external attributes: all zero
    view.setUint32(p + 42, r.offset, true);
    out.set(r.name, p + CENTRAL_HEADER);
    p += CENTRAL_HEADER + r.name.length;
  }
  view.setUint32(p, EOCD_SIG, true);
  view.setUint16(p + 8, planned.length, true);
  view.setUint16(p + 10, planned.length, true);
  view.setUint32(p + 12, centralSize, true);
  view.setUint32(p + 16, centralStart, true);
  return out;
}
