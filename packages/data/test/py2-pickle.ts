// A tiny writer of the pickles in cifar-10-batches-py, opcode for opcode as Python 2's cPickle (protocol 2) wrote them.

const enc = new TextEncoder();

/** Builds a pickle from opcode pieces. */
class PickleWriter {
  private parts: Uint8Array[] = [];
  op(...bytes: number[]): this {
    this.parts.push(Uint8Array.from(bytes));
    return this;
  }
  raw(b: Uint8Array): this {
    this.parts.push(b);
    return this;
  }
  /** A Python 2 str: SHORT_BINSTRING (U) below 256 bytes, else BINSTRING (T, 4-byte little-endian length). */
  str(s: string | Uint8Array): this {
    const b = typeof s === 'string' ? Uint8Array.from(s, (c) => c.charCodeAt(0)) : s;
    if (b.length < 256) return this.op(0x55, b.length).raw(b);
    return this.op(0x54, b.length & 255, (b.length >>> 8) & 255, (b.length >>> 16) & 255, b.length >>> 24).raw(b);
  }
  /** An int: BININT1 (K), BININT2 (M) or BININT (J). */
  int(v: number): this {
    if (v >= 0 && v < 256) return this.op(0x4b, v);
    if (v >= 0 && v < 65536) return this.op(0x4d, v & 255, v >>> 8);
    return this.op(0x4a, v & 255, (v >>> 8) & 255, (v >>> 16) & 255, (v >>> 24) & 255);
  }
  global(module: string, name: string): this {
    return this.op(0x63).raw(enc.encode(`${module}\n${name}\n`));
  }
  bytes(): Uint8Array {
    const total = this.parts.reduce((a, p) => a + p.length, 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

const MARK = 0x28;
const TUPLE = 0x74;
const TUPLE1 = 0x85;
const TUPLE2 = 0x86;
const TUPLE3 = 0x87;
const REDUCE = 0x52;
const BUILD = 0x62;
const NONE = 0x4e;
const NEWFALSE = 0x89;
const EMPTY_LIST = 0x5d;
const APPENDS = 0x65;
const EMPTY_DICT = 0x7d;
const SETITEMS = 0x75;

/** numpy.core.multiarray._reconstruct(ndarray, (0,), 'b') then BUILD (1, shape, dtype('u1'), False, raw bytes). */
function uint8Array(w: PickleWriter, rows: number, cols: number, data: Uint8Array): void {
  w.global('numpy.core.multiarray', '_reconstruct').global('numpy', 'ndarray').int(0).op(TUPLE1).str('b').op(TUPLE3, REDUCE);
  w.op(MARK).int(1).int(rows).int(cols).op(TUPLE2);
  w.global('numpy', 'dtype').str('u1').int(0).int(1).op(TUPLE3, REDUCE);
  w.op(MARK).int(3).str('|').op(NONE, NONE, NONE).int(-1 >>> 0).int(-1 >>> 0).int(0).op(TUPLE, BUILD); // dtype state
  w.op(NEWFALSE).str(data).op(TUPLE, BUILD);
}

function intList(w: PickleWriter, values: readonly number[]): void {
  w.op(EMPTY_LIST, MARK);
  for (const v of values) w.int(v);
  w.op(APPENDS);
}

function strList(w: PickleWriter, values: readonly string[]): void {
  w.op(EMPTY_LIST, MARK);
  for (const v of values) w.str(v);
  w.op(APPENDS);
}

/** A data_batch / test_batch pickle: {'data': uint8 (n, 3072), 'labels': [...], 'batch_label': ..., 'filenames': [...]}. */
export function pickledBatch(pixels: Uint8Array, labels: readonly number[], batchLabel: string): Uint8Array {
  const w = new PickleWriter().op(0x80, 2, EMPTY_DICT, MARK);
  w.str('data');
  uint8Array(w, pixels.length / 3072, 3072, pixels);
  w.str('labels');
  intList(w, labels);
  w.str('batch_label').str(batchLabel);
  w.str('filenames');
  strList(w, labels.map((_, i) => `image_${i}.png`));
  return w.op(SETITEMS, 0x2e).bytes();
}

/** The batches.meta pickle: {'num_cases_per_batch': n, 'label_names': [...], 'num_vis': 3072}. */
export function pickledMeta(names: readonly string[], perBatch: number): Uint8Array {
  const w = new PickleWriter().op(0x80, 2, EMPTY_DICT, MARK);
  w.str('num_cases_per_batch').int(perBatch);
  w.str('label_names');
  strList(w, names);
  w.str('num_vis').int(3072);
  return w.op(SETITEMS, 0x2e).bytes();
}
