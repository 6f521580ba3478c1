// A pickle writer (protocol 2, as torch.save uses) for the values a state dict needs: str, int, float, bool, None,
// tuple, collections.OrderedDict and tensors rebuilt by torch._utils._rebuild_tensor_v2 from persistent-id storages.
// Opcodes and their encodings: CPython's Lib/pickletools.py. No memo is written (BINPUT is optional for a reader).
import { TorchSaveError } from './errors';

/** A Python float (a JS number alone means a Python int: 1.0 and 1 differ in a pickle). Written as BINFLOAT, which
 * torch 1.13's weights_only unpickler does not accept: a state dict for it holds no floats outside tensors. */
export class PickleFloat {
  constructor(readonly value: number) {}
}

/** A Python tuple. */
export class PickleTuple {
  constructor(readonly items: readonly PickleWriteValue[]) {}
}

/** A collections.OrderedDict with string keys, in insertion order. */
export class PickleOrderedDict {
  constructor(readonly entries: ReadonlyArray<readonly [string, PickleWriteValue]>) {}
}

/** The storage classes torch 1.13 pickles (torch.FloatStorage, ...): the name without "Storage". */
export type TorchSaveStorageType = 'Float' | 'Double' | 'Int' | 'Long' | 'Byte';

/**
 * A tensor as torch.save pickles it: `_rebuild_tensor_v2(storage, offset, size, stride, requires_grad, OrderedDict())`
 * where the storage is the persistent id `('storage', torch.<type>Storage, key, 'cpu', numel)`, its bytes at data/<key>.
 */
export class PickleTensor {
  constructor(
    readonly storageKey: string,
    readonly storageType: TorchSaveStorageType,
    readonly storageNumel: number,
    readonly storageOffset: number,
    readonly size: readonly number[],
    readonly stride: readonly number[],
  ) {}
}

/** What the writer accepts. `number` is a Python int (a safe integer); floats go in PickleFloat. */
export type PickleWriteValue = string | number | boolean | null | PickleFloat | PickleTuple | PickleOrderedDict | PickleTensor;

const OP = {
  PROTO: 0x80, STOP: 0x2e, MARK: 0x28, GLOBAL: 0x63, REDUCE: 0x52, TUPLE: 0x74, EMPTY_TUPLE: 0x29,
  TUPLE1: 0x85, TUPLE2: 0x86, TUPLE3: 0x87, SETITEMS: 0x75, BINUNICODE: 0x58, BININT: 0x4a, BININT1: 0x4b,
  LONG1: 0x8a, BINFLOAT: 0x47, NEWTRUE: 0x88, NEWFALSE: 0x89, NONE: 0x4e, BINPERSID: 0x51,
} as const;

/** Growable byte buffer for the pickle stream. */
class ByteSink {
  private buf = new Uint8Array(256);
  private len = 0;
  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
  byte(b: number): void {
    this.reserve(1);
    this.buf[this.len++] = b;
  }
  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  view(n: number): DataView {
    this.reserve(n);
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.len, n);
    this.len += n;
    return v;
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

const utf8 = new TextEncoder();

function writeGlobal(out: ByteSink, module: string, name: string): void {
  out.byte(OP.GLOBAL);
  out.bytes(utf8.encode(`${module}\n${name}\n`));
}

/** An int: BININT1 for 0..255, BININT for a signed 32-bit value, else LONG1 (little-endian two's complement). */
function writeInt(out: ByteSink, n: number, source: string): void {
  if (!Number.isSafeInteger(n)) throw new TorchSaveError(source, `pickle writer: expected a safe integer for a Python int, found ${n} (floats go in PickleFloat)`);
  if (n >= 0 && n < 256) {
    out.byte(OP.BININT1);
    out.byte(n);
  } else if (n >= -0x80000000 && n <= 0x7fffffff) {
    out.byte(OP.BININT);
    out.view(4).setInt32(0, n, true);
  } else {
    let v = BigInt(n);
    const bytes: number[] = [];
    // shortest two's complement: stop once the remaining value is the sign extension of the last byte's top bit
    for (;;) {
      const b = Number(v & 0xffn);
      bytes.push(b);
      v >>= 8n;
      if ((v === 0n && (b & 0x80) === 0) || (v === -1n && (b & 0x80) !== 0)) break;
    }
    out.byte(OP.LONG1);
    out.byte(bytes.length);
    out.bytes(Uint8Array.from(bytes));
  }
}

function writeTuple(out: ByteSink, items: readonly PickleWriteValue[], source: string): void {
  if (items.length === 0) return out.byte(OP.EMPTY_TUPLE);
  if (items.length > 3) out.byte(OP.MARK);
  for (const item of items) writeValue(out, item, source);
  out.byte(items.length === 1 ? OP.TUPLE1 : items.length === 2 ? OP.TUPLE2 : items.length === 3 ? OP.TUPLE3 : OP.TUPLE);
}

function writeValue(out: ByteSink, v: PickleWriteValue, source: string): void {
  if (v === null) return out.byte(OP.NONE);
  if (typeof v === 'boolean') return out.byte(v ? OP.NEWTRUE : OP.NEWFALSE);
  if (typeof v === 'number') return writeInt(out, v, source);
  if (typeof v === 'string') {
    const b = utf8.encode(v);
    out.byte(OP.BINUNICODE);
    out.view(4).setUint32(0, b.length, true);
    return out.bytes(b);
  }
  if (v instanceof PickleFloat) {
    out.byte(OP.BINFLOAT);
    return out.view(8).setFloat64(0, v.value, false); // BINFLOAT is big-endian
  }
  if (v instanceof PickleTuple) return writeTuple(out, v.items, source);
  if (v instanceof PickleOrderedDict) {
    writeGlobal(out, 'collections', 'OrderedDict');
    out.byte(OP.EMPTY_TUPLE);
    out.byte(OP.REDUCE);
    if (v.entries.length === 0) return;
    const keys = new Set<string>();
    for (const [k] of v.entries) {
      if (keys.has(k)) throw new TorchSaveError(source, `pickle writer: expected distinct OrderedDict keys, found '${k}' twice`);
      keys.add(k);
    }
    out.byte(OP.MARK);
    for (const [k, item] of v.entries) {
      writeValue(out, k, source);
      writeValue(out, item, source);
    }
    return out.byte(OP.SETITEMS);
  }
  // PickleTensor: _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks)
  writeGlobal(out, 'torch._utils', '_rebuild_tensor_v2');
  out.byte(OP.MARK);
  out.byte(OP.MARK);
  writeValue(out, 'storage', source);
  writeGlobal(out, 'torch', `${v.storageType}Storage`);
  writeValue(out, v.storageKey, source);
  writeValue(out, 'cpu', source);
  writeInt(out, v.storageNumel, source);
  out.byte(OP.TUPLE);
  out.byte(OP.BINPERSID);
  writeInt(out, v.storageOffset, source);
  writeTuple(out, v.size, source);
  writeTuple(out, v.stride, source);
  out.byte(OP.NEWFALSE);
  writeValue(out, new PickleOrderedDict([]), source);
  out.byte(OP.TUPLE);
  out.byte(OP.REDUCE);
}

/** Pickles one value (protocol 2): PROTO 2, the value, STOP. `source` names the file in errors. */
export function writePickle(value: PickleWriteValue, source = '<pickle>'): Uint8Array {
  const out = new ByteSink();
  out.byte(OP.PROTO);
  out.byte(2);
  writeValue(out, value, source);
  out.byte(OP.STOP);
  return out.result();
}
