// Generators of hostile .pth, pickle and safetensors files (issue 19), built at test time from opcodes: shared-dict
// "billion laughs", self-reference, deep nesting, huge integers, stride-0 expansions, bad legacy views, prototype keys.
// Nothing here is committed as a binary; every file is a few KB at most.

/** A tiny pickle assembler (protocol 2 opcodes; the memo through LONG_BINPUT / LONG_BINGET). */
export class PickleWriter {
  private readonly parts: number[] = [];
  private raw(...bytes: number[]): this {
    return this.rawBytes(bytes);
  }
  private rawBytes(bytes: ArrayLike<number>): this {
    for (let i = 0; i < bytes.length; i++) this.parts.push(bytes[i]!);
    return this;
  }
  private u32(n: number): this {
    return this.raw(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff);
  }
  private text(s: string): this {
    return this.rawBytes(Buffer.from(s, 'latin1'));
  }
  proto(): this { return this.raw(0x80, 2); }
  stop(): this { return this.raw(0x2e); }
  mark(): this { return this.raw(0x28); }
  tuple(): this { return this.raw(0x74); }
  emptyTuple(): this { return this.raw(0x29); }
  emptyDict(): this { return this.raw(0x7d); }
  emptyList(): this { return this.raw(0x5d); }
  append(): this { return this.raw(0x61); }
  setItem(): this { return this.raw(0x73); }
  setItems(): this { return this.raw(0x75); }
  reduce(): this { return this.raw(0x52); }
  binPersId(): this { return this.raw(0x51); }
  newFalse(): this { return this.raw(0x89); }
  newTrue(): this { return this.raw(0x88); }
  pop(): this { return this.raw(0x30); }
  /** A non-negative int (BININT1 or BININT). */
  int(n: number): this { return n < 256 ? this.raw(0x4b, n) : this.raw(0x4a).u32(n); }
  /** A text INT opcode with the given decimal digits. */
  textInt(digits: string): this { return this.raw(0x49).text(`${digits}\n`); }
  /** LONG1 (n < 256 bytes) or LONG4 of little-endian two's-complement bytes. */
  long(bytes: Uint8Array): this {
    if (bytes.length < 256) this.raw(0x8a, bytes.length);
    else this.raw(0x8b).u32(bytes.length);
    return this.rawBytes(bytes);
  }
  str(s: string): this {
    const b = Buffer.from(s, 'utf8');
    return this.raw(0x58).u32(b.length).rawBytes(b);
  }
  global(module: string, name: string): this { return this.raw(0x63).text(`${module}\n${name}\n`); }
  put(i: number): this { return this.raw(0x72).u32(i); }
  get(i: number): this { return this.raw(0x6a).u32(i); }
  /** A tuple of non-negative ints. */
  ints(xs: readonly number[]): this {
    this.mark();
    for (const x of xs) this.int(x);
    return this.tuple();
  }
  /**
   * torch._utils._rebuild_tensor_v2(storage, offset, size, stride, False) over a FloatStorage persistent id
   * ('storage', FloatStorage, key, 'cpu', numel[, view]).
   */
  tensor(key: string, numel: number, size: readonly number[], stride: readonly number[], offset = 0, view?: readonly [string, number, number]): this {
    this.global('torch._utils', '_rebuild_tensor_v2').mark();
    this.mark().str('storage').global('torch', 'FloatStorage').str(key).str('cpu').int(numel);
    if (view) this.mark().str(view[0]).int(Math.max(view[1], 0)).int(view[2]).tuple();
    this.tuple().binPersId();
    return this.int(offset).ints(size).ints(stride).newFalse().tuple().reduce();
  }
  bytes(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

/** Replaces the BININT1 right after the bytes of `key` with a BININT of `offset`: forges a negative legacy view offset. */
export function withNegativeViewOffset(bytes: Uint8Array, key: string, offset: number): Uint8Array {
  // The view tuple is MARK, BINUNICODE key, BININT1 offset: find the key's bytes and patch the opcode after it.
  const k = new TextEncoder().encode(key);
  const at = Buffer.from(bytes).indexOf(k) + k.length;
  if (bytes[at] !== 0x4b) throw new Error('withNegativeViewOffset: no BININT1 after the view key');
  const out = new Uint8Array(bytes.length + 3);
  out.set(bytes.subarray(0, at), 0);
  out[at] = 0x4a;
  new DataView(out.buffer).setInt32(at + 1, offset, true);
  out.set(bytes.subarray(at + 2), at + 5);
  return out;
}

const LEGACY_MAGIC = Uint8Array.from([0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19]);

/**
 * A legacy-format torch.save stream: magic, protocol 1001, sys info, the main pickle `main` (whose persistent
 * ids name FloatStorages), the storage-key list, then each storage as an int64 count and float32 values.
 */
export function legacyPth(main: (w: PickleWriter) => void, storages: Record<string, number>): Uint8Array {
  const one = (f: (w: PickleWriter) => void): Uint8Array => {
    const w = new PickleWriter().proto();
    f(w);
    return w.stop().bytes();
  };
  const parts: Uint8Array[] = [
    one((w) => w.long(LEGACY_MAGIC)),
    one((w) => w.int(1001)),
    one((w) => w.emptyDict().str('little_endian').newTrue().setItem()),
    one(main),
    one((w) => {
      w.emptyList();
      for (const k of Object.keys(storages)) w.str(k).append();
    }),
  ];
  for (const [, numel] of Object.entries(storages)) {
    const rec = new Uint8Array(8 + 4 * numel);
    new DataView(rec.buffer).setBigInt64(0, BigInt(numel), true);
    const values = new Float32Array(rec.buffer, 8, numel);
    for (let i = 0; i < numel; i++) values[i] = i + 1;
    parts.push(rec);
  }
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * "Billion laughs": level 0 is a dict {'t': tensor} (or {'x': 1} without `tensorAtLeaf`), level i a dict of `fanout`
 * keys that all reference level i-1 (memo GETs), `levels` deep; the root is {'w': tensor, 'bomb': level N}.
 * fanout^levels paths reach the leaf from a file of about levels * fanout * 10 bytes.
 */
export function billionLaughsPth(levels: number, fanout: number, tensorAtLeaf: boolean): Uint8Array {
  return legacyPth((w) => {
    w.emptyDict().put(0).str('w').tensor('0', 4, [4], [1]).setItem().pop();
    w.emptyDict().put(1);
    if (tensorAtLeaf) w.str('t').tensor('1', 2, [2], [1]).setItem();
    else w.str('x').int(1).setItem();
    w.pop();
    for (let level = 1; level <= levels; level++) {
      w.emptyDict().put(level + 1).mark();
      for (let k = 0; k < fanout; k++) w.str(String.fromCharCode(97 + k)).get(level);
      w.setItems().pop();
    }
    // root['bomb'] = the top level, then leave the root on the stack
    w.get(0).str('bomb').get(levels + 1).setItem();
  }, tensorAtLeaf ? { '0': 4, '1': 2 } : { '0': 4 });
}

/** {'w': tensor, 'self': <the dict itself>}, as `d['self'] = d` pickles. */
export function selfReferencePth(): Uint8Array {
  return legacyPth((w) => {
    w.emptyDict().put(0).str('w').tensor('0', 3, [3], [1]).setItem().str('self').get(0).setItem();
  }, { '0': 3 });
}

/** {'w': tensor, 'deep': {'a': {'a': ... {} }}} with `depth` nested dicts, built on the stack (no recursion to write it). */
export function nestedDictsPth(depth: number): Uint8Array {
  return legacyPth((w) => {
    w.emptyDict().str('w').tensor('0', 2, [2], [1]).setItem().str('deep');
    for (let i = 0; i < depth; i++) w.emptyDict().str('a');
    w.emptyDict();
    for (let i = 0; i < depth; i++) w.setItem();
    w.setItem();
  }, { '0': 2 });
}

/** {'w': tensor, 'big': a LONG4 integer of `bytes` bytes} (0xff.. 0x7f: 2^(8n-1) - 1). */
export function bigLongPth(bytes: number): Uint8Array {
  const long = new Uint8Array(bytes).fill(0xff);
  long[bytes - 1] = 0x7f;
  return legacyPth((w) => {
    w.emptyDict().str('w').tensor('0', 2, [2], [1]).setItem().str('big').long(long).setItem();
  }, { '0': 2 });
}

/** {'w': tensor, 'big': a text INT of `digits` decimal digits}. */
export function longTextIntPth(digits: number): Uint8Array {
  return legacyPth((w) => {
    w.emptyDict().str('w').tensor('0', 2, [2], [1]).setItem().str('big').textInt('9'.repeat(digits)).setItem();
  }, { '0': 2 });
}

/** {'expanded': a stride-0 view of `elements` elements over a 1-element FloatStorage}. */
export function strideZeroPth(elements: number): Uint8Array {
  // Split the element count into dims below 2^31 so that BININT holds each.
  const size: number[] = [];
  let left = elements;
  while (left > 2 ** 30) {
    size.push(2 ** 17);
    left /= 2 ** 17;
  }
  size.push(left);
  return legacyPth((w) => {
    w.emptyDict().str('expanded').tensor('0', 1, size, size.map(() => 0)).setItem();
  }, { '0': 1 });
}

/** {'v': a tensor over a legacy storage view ('view', offset, 2) of a 4-element root storage}; a negative offset is forged in. */
export function legacyViewPth(offset: number): Uint8Array {
  const bytes = legacyPth((w) => {
    w.emptyDict().str('v').tensor('0', 4, [2], [1], 0, ['VIEWKEY', 1, 2]).setItem();
  }, { '0': 4 });
  return offset === 1 ? bytes : withNegativeViewOffset(bytes, 'VIEWKEY', offset);
}

/** A pickle (not a .pth) of a list holding `n` ints, each stored in the memo. */
export function memoHeavyPickle(n: number): Uint8Array {
  const w = new PickleWriter().proto().emptyList();
  for (let i = 0; i < n; i++) w.int(i % 200).put(i).append();
  return w.stop().bytes();
}

/** safetensors bytes with the given JSON header and `dataBytes` zero data bytes. */
export function safetensorsWithHeader(header: string, dataBytes: number): Uint8Array {
  const json = Buffer.from(header, 'utf8');
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  return out;
}
