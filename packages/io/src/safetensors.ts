// safetensors, written from the format description: u64 LE header length, JSON header, raw little-endian data.
import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ITEMSIZE, NDArray, fmtShape, type DType, type TypedArray } from '@adder/tensor';
import { ElementRangeError, decodeElements, type ElementFormat } from './pickle/decode-elements';
import { oneLine } from './limits';

/** An error reading or writing a safetensors file; the message names the file and the problem. */
export class SafetensorsError extends Error {
  readonly source: string;
  constructor(source: string, message: string) {
    super(oneLine(`safetensors ${source}: ${message}`));
    this.name = 'SafetensorsError';
    this.source = source;
  }
}

/** The tensors and the `__metadata__` string map of one safetensors file. */
export interface SafetensorsContent {
  tensors: Record<string, NDArray>;
  metadata: Record<string, string>;
}

/**
 * Options for writing. `int64Keys` chooses which int32 tensors are stored as I64 (PyTorch's
 * int64, e.g. BatchNorm's `num_batches_tracked`): a list of names or a predicate. By default,
 * every int32 tensor whose name ends in `num_batches_tracked` is written as I64; other int32
 * tensors are written as I32.
 */
export interface SafetensorsWriteOptions {
  /** The int32 tensors to store as I64: a list of names or a predicate on the name. */
  int64Keys?: readonly string[] | ((name: string) => boolean);
}

/** The default I64 predicate: BatchNorm counters, which PyTorch keeps as int64. */
export function isDefaultInt64Key(name: string): boolean {
  return name.endsWith('num_batches_tracked');
}

/** The safetensors dtype names this reader understands, with their element size in bytes. */
const FILE_ITEMSIZE: Readonly<Record<string, number>> = { F32: 4, F64: 8, I64: 8, I32: 4, U8: 1, BOOL: 1, F16: 2, BF16: 2 };
/** The raw element format of each file dtype (I64 loads as int32, checked; F16/BF16 widen to float32). */
const ELEMENT_FORMAT: Readonly<Record<string, ElementFormat>> = {
  F32: 'f4', F64: 'f8', I64: 'i8', I32: 'i4', U8: 'u1', BOOL: 'b1', F16: 'f2', BF16: 'bf16',
};
/** Headers beyond this size are refused (the reference implementation uses the same 100 MB bound). */
const MAX_HEADER_BYTES = 100_000_000;
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Encodes named tensors (any layout; written row-major) and string metadata as safetensors bytes. */
export function encodeSafetensors(
  tensors: Record<string, NDArray>,
  metadata?: Record<string, string>,
  opts: SafetensorsWriteOptions = {},
): Uint8Array {
  const src = '<encode>';
  assertLittleEndianHost(src);
  const int64 = int64Predicate(opts.int64Keys);
  // A Map, turned into an object by fromEntries: `header[name] = ...` would drop a tensor named __proto__.
  const header = new Map<string, unknown>();
  if (metadata && Object.keys(metadata).length > 0) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new SafetensorsError(src, `metadata value of '${k}' must be a string, got ${typeof v}`);
    }
    header.set('__metadata__', Object.fromEntries(Object.entries(metadata)));
  }
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const [name, arr] of Object.entries(tensors)) {
    if (name === '__metadata__') throw new SafetensorsError(src, `'__metadata__' is reserved and cannot name a tensor`);
    const asI64 = int64(name);
    if (asI64 && arr.dtype !== 'int32') {
      throw new SafetensorsError(src, `tensor '${name}' was requested as I64 but has dtype ${arr.dtype} (expected int32)`);
    }
    const bytes = asI64 ? int32ToInt64Bytes(arr.toTyped() as Int32Array) : bytesOf(arr);
    const dtype = asI64 ? 'I64' : fileDtypeOf(arr.dtype);
    header.set(name, { dtype, shape: [...arr.shape], data_offsets: [offset, offset + bytes.length] });
    parts.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(Object.fromEntries(header));
  const jsonBytesLen = Buffer.byteLength(json, 'utf8');
  json += ' '.repeat((8 - (jsonBytesLen % 8)) % 8);
  const headerBytes = Buffer.from(json, 'utf8');
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.length;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

/** Writes a safetensors file atomically: a temporary file in the same folder, then a rename. */
export function saveSafetensors(
  path: string,
  tensors: Record<string, NDArray>,
  metadata?: Record<string, string>,
  opts?: SafetensorsWriteOptions,
): void {
  const bytes = encodeSafetensors(tensors, metadata, opts);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // the temporary file was never created
    }
    throw new SafetensorsError(path, `could not write: ${(err as Error).message}`);
  }
}

/** Reads a safetensors file (a path) or buffer (bytes), validating the whole layout first. */
export function loadSafetensors(source: string | Uint8Array): SafetensorsContent {
  if (typeof source !== 'string') return decodeSafetensors(source);
  let bytes: Uint8Array;
  try {
    const buf = readFileSync(source);
    bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (err) {
    throw new SafetensorsError(source, `could not read: ${(err as Error).message}`);
  }
  return decodeSafetensors(bytes, source);
}

interface Entry {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

/** Decodes safetensors bytes; `source` names the file in error messages. */
export function decodeSafetensors(bytes: Uint8Array, source = '<bytes>'): SafetensorsContent {
  assertLittleEndianHost(source);
  if (bytes.length < 8) {
    throw new SafetensorsError(source, `file is truncated: ${bytes.length} bytes, but the header length alone takes 8`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = view.getBigUint64(0, true);
  if (headerLen > BigInt(bytes.length - 8)) {
    throw new SafetensorsError(source, `header length ${headerLen} is longer than the file (${bytes.length - 8} bytes after the length field)`);
  }
  if (headerLen > BigInt(MAX_HEADER_BYTES)) {
    throw new SafetensorsError(source, `header length ${headerLen} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  }
  const hl = Number(headerLen);
  const entries = parseHeader(bytes.subarray(8, 8 + hl), source);
  const dataStart = 8 + hl;
  const dataLen = bytes.length - dataStart;
  checkLayout(entries.entries, dataLen, source);
  const tensors = new Map<string, NDArray>();
  for (const e of entries.entries) {
    tensors.set(e.name, decodeTensor(bytes.subarray(dataStart + e.begin, dataStart + e.end), e, source));
  }
  // fromEntries defines own properties, so a tensor named __proto__ stays a plain entry instead of setting the prototype.
  return { tensors: Object.fromEntries(tensors), metadata: entries.metadata };
}

/** Parses and validates the JSON header: entry fields, dtypes and byte sizes. */
function parseHeader(headerBytes: Uint8Array, source: string): { entries: Entry[]; metadata: Record<string, string> } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(headerBytes).toString('utf8'));
  } catch (err) {
    throw new SafetensorsError(source, `header is not valid JSON (${(err as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new SafetensorsError(source, `header must be a JSON object, got ${Array.isArray(parsed) ? 'an array' : typeof parsed}`);
  }
  const metadata = new Map<string, string>();
  const entries: Entry[] = [];
  for (const [name, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new SafetensorsError(source, `__metadata__ must be an object of strings`);
      }
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (typeof v !== 'string') throw new SafetensorsError(source, `__metadata__['${k}'] must be a string, got ${JSON.stringify(v)}`);
        metadata.set(k, v);
      }
      continue;
    }
    entries.push(parseEntry(name, value, source));
  }
  return { entries, metadata: Object.fromEntries(metadata) };
}

/** Validates one tensor's header entry. */
function parseEntry(name: string, value: unknown, source: string): Entry {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new SafetensorsError(source, `entry '${name}' must be an object with dtype, shape and data_offsets`);
  }
  const { dtype, shape, data_offsets: offs } = value as Record<string, unknown>;
  // hasOwn, not `in`: a dtype such as "toString" names a property of every object's prototype, not a dtype.
  if (typeof dtype !== 'string' || !Object.hasOwn(FILE_ITEMSIZE, dtype)) {
    throw new SafetensorsError(source, `tensor '${name}' has unknown dtype ${JSON.stringify(dtype)} (supported: ${Object.keys(FILE_ITEMSIZE).join(', ')})`);
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new SafetensorsError(source, `tensor '${name}' has an invalid shape ${JSON.stringify(shape)}`);
  }
  if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((d) => Number.isSafeInteger(d) && d >= 0) || offs[0] > offs[1]) {
    throw new SafetensorsError(source, `tensor '${name}' has invalid data_offsets ${JSON.stringify(offs)} (expected [begin, end] with 0 <= begin <= end)`);
  }
  const [begin, end] = offs as [number, number];
  const numel = (shape as number[]).reduce((a, b) => a * b, 1);
  const need = numel * FILE_ITEMSIZE[dtype]!;
  if (end - begin !== need) {
    throw new SafetensorsError(source, `tensor '${name}' (${dtype} ${fmtShape(shape as number[])}) needs ${need} bytes but data_offsets [${begin}, ${end}] span ${end - begin}`);
  }
  return { name, dtype, shape: shape as number[], begin, end };
}

/** Checks that the tensors tile the data section exactly: no overlap, no gap, nothing past the end. */
function checkLayout(entries: Entry[], dataLen: number, source: string): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = 0;
  let prev: Entry | null = null;
  for (const e of sorted) {
    if (e.begin < pos) {
      throw new SafetensorsError(source, `tensor '${e.name}' data_offsets [${e.begin}, ${e.end}] overlap tensor '${prev!.name}' [${prev!.begin}, ${prev!.end}]`);
    }
    if (e.begin > pos) {
      throw new SafetensorsError(source, `gap of ${e.begin - pos} bytes in the data section before tensor '${e.name}' (offsets [${e.begin}, ${e.end}], previous data ends at ${pos})`);
    }
    if (e.end > dataLen) {
      const what = e === sorted[sorted.length - 1] ? 'the file is truncated or the offsets are out of range' : 'offsets out of range';
      throw new SafetensorsError(source, `tensor '${e.name}' data_offsets [${e.begin}, ${e.end}] run past the end of the ${dataLen}-byte data section: ${what}`);
    }
    pos = e.end;
    prev = e;
  }
  if (pos !== dataLen) {
    throw new SafetensorsError(source, `${dataLen - pos} unreferenced bytes after the last tensor (data section is ${dataLen} bytes, tensors end at ${pos})`);
  }
}

/** Converts one tensor's raw bytes into a fresh NDArray (the element decoding is the pickle reader's). */
function decodeTensor(raw: Uint8Array, e: Entry, source: string): NDArray {
  const numel = e.shape.reduce((a, b) => a * b, 1);
  let out: TypedArray;
  try {
    out = decodeElements(raw, ELEMENT_FORMAT[e.dtype]!, numel);
  } catch (err) {
    if (err instanceof ElementRangeError) {
      throw new SafetensorsError(source, `I64 tensor '${e.name}' element ${err.index} = ${err.value} does not fit in int32`);
    }
    throw err;
  }
  if (e.dtype === 'BOOL') {
    for (let i = 0; i < numel; i++) {
      if (out[i]! > 1) throw new SafetensorsError(source, `BOOL tensor '${e.name}' element ${i} is ${out[i]}, not 0 or 1`);
    }
  }
  return NDArray.fromTyped(out, e.shape);
}

function fileDtypeOf(dtype: DType): string {
  switch (dtype) {
    case 'float32':
      return 'F32';
    case 'float64':
      return 'F64';
    case 'int32':
      return 'I32';
    case 'uint8':
      return 'U8';
  }
}

function bytesOf(arr: NDArray): Uint8Array {
  const t = arr.toTyped();
  return new Uint8Array(t.buffer, t.byteOffset, arr.size * ITEMSIZE[arr.dtype]);
}

function int32ToInt64Bytes(src: Int32Array): Uint8Array {
  const out = new Uint8Array(src.length * 8);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < src.length; i++) {
    const v = src[i]!;
    dv.setInt32(8 * i, v, true);
    dv.setInt32(8 * i + 4, v < 0 ? -1 : 0, true);
  }
  return out;
}

function int64Predicate(keys: SafetensorsWriteOptions['int64Keys']): (name: string) => boolean {
  if (keys === undefined) return isDefaultInt64Key;
  if (typeof keys === 'function') return keys;
  const set = new Set(keys);
  return (name) => set.has(name);
}

function assertLittleEndianHost(source: string): void {
  if (!LITTLE_ENDIAN_HOST) throw new SafetensorsError(source, 'big-endian hosts are not supported');
}
