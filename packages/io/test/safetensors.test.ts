// safetensors: round trips, the byte layout, dtype conversions, and one test per kind of bad file.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NDArray } from '@adder/tensor';
import { drawnArray } from './drawn-values';
import {
  SafetensorsError,
  decodeSafetensors,
  encodeSafetensors,
  loadSafetensors,
  saveSafetensors,
} from '../src/safetensors';

const dir = mkdtempSync(join(tmpdir(), 'safetensors-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Builds a file by hand from a header object and raw data bytes (the independent oracle of the layout). */
function rawFile(header: unknown, data: Uint8Array, headerText?: string): Uint8Array {
  let json = headerText ?? JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const h = Buffer.from(json, 'utf8');
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

function f32Bytes(values: number[]): Uint8Array {
  return new Uint8Array(new Float32Array(values).buffer);
}

describe('safetensors layout', () => {
  it('writes a u64 LE header length, a space-padded JSON header and tiled little-endian data', () => {
    const a = NDArray.fromTyped(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
    const b = NDArray.fromTyped(new Int32Array([7, -8]), [2]);
    const bytes = encodeSafetensors({ a, b }, { kind: 'op' });
    const dv = new DataView(bytes.buffer, bytes.byteOffset);
    const hl = Number(dv.getBigUint64(0, true));
    expect(hl % 8).toBe(0);
    const header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + hl)).toString('utf8'));
    expect(header).toEqual({
      __metadata__: { kind: 'op' },
      a: { dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] },
      b: { dtype: 'I32', shape: [2], data_offsets: [24, 32] },
    });
    expect(bytes.length).toBe(8 + hl + 32);
    expect(dv.getFloat32(8 + hl + 20, true)).toBe(6);
    expect(dv.getInt32(8 + hl + 28, true)).toBe(-8);
  });

  it('writes non-contiguous views row-major', () => {
    const a = NDArray.fromTyped(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3]).transpose(0, 1);
    const { tensors } = decodeSafetensors(encodeSafetensors({ a }));
    expect(tensors.a!.shape).toEqual([3, 2]);
    expect(Array.from(tensors.a!.data)).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('round-trips every dtype, 0-d and empty tensors, and metadata (property)', () => {
    const dtypes = ['float32', 'float64', 'int32', 'uint8'] as const;
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            dtype: fc.constantFrom(...dtypes),
            shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }),
            seed: fc.integer({ min: 0, max: 1000 }),
          }),
          { maxLength: 5 },
        ),
        fc.dictionary(fc.stringMatching(/^[a-z_]{1,6}$/), fc.string({ maxLength: 6 }), { maxKeys: 3, noNullPrototype: true }),
        (specs, metadata) => {
          const tensors: Record<string, NDArray> = {};
          specs.forEach((s, i) => {
            tensors[`t${i}.${s.dtype}`] = drawnArray(s.dtype, s.shape, s.seed);
          });
          const back = decodeSafetensors(encodeSafetensors(tensors, metadata));
          expect(back.metadata).toEqual(metadata);
          expect(Object.keys(back.tensors)).toEqual(Object.keys(tensors));
          for (const [k, t] of Object.entries(tensors)) {
            expect(back.tensors[k]!.dtype).toBe(t.dtype);
            expect(back.tensors[k]!.shape).toEqual(t.shape);
            expect(Array.from(back.tensors[k]!.data)).toEqual(Array.from(t.data));
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('writes num_batches_tracked (by default) and requested int32 keys as I64, and reads them back as int32', () => {
    const n = NDArray.fromTyped(new Int32Array([3]), []);
    const t = NDArray.fromTyped(new Int32Array([-1, 2147483647]), [2]);
    const plain = NDArray.fromTyped(new Int32Array([5]), [1]);
    const bytes = encodeSafetensors({ 'bn.num_batches_tracked': n, target: t, plain }, undefined, {
      int64Keys: (k) => k === 'target' || k.endsWith('num_batches_tracked'),
    });
    const hl = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + hl)).toString());
    expect(header['bn.num_batches_tracked'].dtype).toBe('I64');
    expect(header.target.dtype).toBe('I64');
    expect(header.plain.dtype).toBe('I32');
    const dv = new DataView(bytes.buffer, 8 + hl);
    expect(dv.getBigInt64(header.target.data_offsets[0], true)).toBe(-1n);
    const back = decodeSafetensors(bytes).tensors;
    expect(back.target!.dtype).toBe('int32');
    expect(Array.from(back.target!.data)).toEqual([-1, 2147483647]);
    expect(back['bn.num_batches_tracked']!.item()).toBe(3);
    const byList = decodeSafetensors(encodeSafetensors({ target: t }, undefined, { int64Keys: ['target'] }));
    expect(Array.from(byList.tensors.target!.data)).toEqual([-1, 2147483647]);
  });

  it('refuses an I64 request for a non-int32 tensor', () => {
    const x = NDArray.fromTyped(new Float32Array([1]), [1]);
    expect(() => encodeSafetensors({ x }, undefined, { int64Keys: ['x'] })).toThrow(/'x' was requested as I64 but has dtype float32/);
  });

  it('reads I64 values, and refuses ones outside int32', () => {
    const data = new Uint8Array(16);
    const dv = new DataView(data.buffer);
    dv.setBigInt64(0, -5n, true);
    dv.setBigInt64(8, 2n ** 31n, true);
    const ok = rawFile({ t: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, data.subarray(0, 8));
    expect(Array.from(decodeSafetensors(ok).tensors.t!.data)).toEqual([-5]);
    const big = rawFile({ t: { dtype: 'I64', shape: [2], data_offsets: [0, 16] } }, data);
    expect(() => decodeSafetensors(big, 'big.safetensors')).toThrow(/big\.safetensors.*element 1 = 2147483648 does not fit in int32/);
  });

  it('reads F16, BF16 as float32 and BOOL as uint8', () => {
    // F16: 1.0 = 0x3C00, -2.5 = 0xC100, smallest subnormal 0x0001 = 2^-24, inf = 0x7C00.
    const f16 = new Uint8Array(new Uint16Array([0x3c00, 0xc100, 0x0001, 0x7c00]).buffer);
    // BF16 is the top half of a float32: 1.5 = 0x3FC0, -3 = 0xC040.
    const bf16 = new Uint8Array(new Uint16Array([0x3fc0, 0xc040]).buffer);
    const bool = new Uint8Array([1, 0, 1]);
    const data = new Uint8Array([...f16, ...bf16, ...bool]);
    const file = rawFile(
      {
        h: { dtype: 'F16', shape: [4], data_offsets: [0, 8] },
        b: { dtype: 'BF16', shape: [2], data_offsets: [8, 12] },
        m: { dtype: 'BOOL', shape: [3], data_offsets: [12, 15] },
      },
      data,
    );
    const t = decodeSafetensors(file).tensors;
    expect(t.h!.dtype).toBe('float32');
    expect(Array.from(t.h!.data)).toEqual([1, -2.5, Math.fround(2 ** -24), Infinity]);
    expect(Array.from(t.b!.data)).toEqual([1.5, -3]);
    expect(t.m!.dtype).toBe('uint8');
    expect(Array.from(t.m!.data)).toEqual([1, 0, 1]);
  });

  it('saves atomically (no temporary file left) and loads from a path or bytes', () => {
    const p = join(dir, 'a.safetensors');
    const x = NDArray.fromTyped(new Float32Array([0.5, -1.25]), [2]);
    saveSafetensors(p, { x }, { note: 'hi' });
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
    const fromPath = loadSafetensors(p);
    const fromBytes = loadSafetensors(new Uint8Array(readFileSync(p)));
    expect(fromPath.metadata).toEqual({ note: 'hi' });
    expect(Array.from(fromPath.tensors.x!.data)).toEqual([0.5, -1.25]);
    expect(Array.from(fromBytes.tensors.x!.data)).toEqual([0.5, -1.25]);
  });

  it('reports a missing file and an unwritable path with the path in the message', () => {
    expect(() => loadSafetensors(join(dir, 'nope.safetensors'))).toThrow(/nope\.safetensors: could not read/);
    const x = NDArray.fromTyped(new Float32Array([1]), [1]);
    expect(() => saveSafetensors(join(dir, 'no-such-dir', 'x.safetensors'), { x })).toThrow(/x\.safetensors: could not write/);
  });
});

describe('safetensors bad files', () => {
  const good = () => rawFile({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] } }, f32Bytes([1, 2, 3]));
  const bad = (bytes: Uint8Array) => () => decodeSafetensors(bytes, 'bad.safetensors');

  it('accepts the well-formed baseline', () => {
    expect(Array.from(decodeSafetensors(good()).tensors.b!.data)).toEqual([3]);
  });
  it('a file shorter than the length field', () => {
    expect(bad(new Uint8Array(5))).toThrow(SafetensorsError);
    expect(bad(new Uint8Array(5))).toThrow(/bad\.safetensors: file is truncated: 5 bytes/);
  });
  it('a file truncated inside the data', () => {
    const g = good();
    expect(bad(g.subarray(0, g.length - 2))).toThrow(/bad\.safetensors: tensor 'b' .*run past the end of the 10-byte data section: the file is truncated/);
  });
  it('a header longer than the file', () => {
    const g = good();
    new DataView(g.buffer).setBigUint64(0, BigInt(g.length), true);
    expect(bad(g)).toThrow(/bad\.safetensors: header length \d+ is longer than the file/);
  });
  it('invalid JSON', () => {
    expect(bad(rawFile(null, new Uint8Array(0), '{"a": {"dtype": "F32",'))).toThrow(/bad\.safetensors: header is not valid JSON/);
    expect(bad(rawFile(null, new Uint8Array(0), '[1, 2]'))).toThrow(/header must be a JSON object, got an array/);
  });
  it('an unknown dtype', () => {
    const f = rawFile({ a: { dtype: 'C64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8));
    expect(bad(f)).toThrow(/bad\.safetensors: tensor 'a' has unknown dtype "C64"/);
  });
  it('overlapping offsets', () => {
    const f = rawFile({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, f32Bytes([1, 2]));
    expect(bad(f)).toThrow(/bad\.safetensors: tensor 'b' data_offsets \[4, 8\] overlap tensor 'a'/);
  });
  it('a gap between tensors, and unreferenced trailing bytes', () => {
    const gap = rawFile({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] } }, f32Bytes([1, 2, 3]));
    expect(bad(gap)).toThrow(/bad\.safetensors: gap of 4 bytes in the data section before tensor 'b'/);
    const tail = rawFile({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, f32Bytes([1, 2]));
    expect(bad(tail)).toThrow(/4 unreferenced bytes after the last tensor/);
  });
  it('out-of-range and malformed offsets', () => {
    const past = rawFile({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] }, c: { dtype: 'F32', shape: [1], data_offsets: [12, 16] } }, f32Bytes([1, 2]));
    expect(bad(past)).toThrow(/tensor 'b' data_offsets \[4, 12\] run past the end of the 8-byte data section: offsets out of range/);
    const reversed = rawFile({ a: { dtype: 'F32', shape: [0], data_offsets: [4, 0] } }, new Uint8Array(0));
    expect(bad(reversed)).toThrow(/tensor 'a' has invalid data_offsets \[4,0\]/);
  });
  it('a byte span that does not match numel * itemsize', () => {
    const f = rawFile({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, f32Bytes([1, 2]));
    expect(bad(f)).toThrow(/tensor 'a' \(F32 \[3\]\) needs 12 bytes but data_offsets \[0, 8\] span 8/);
  });
  it('a bad shape, a non-string metadata value and a non-object entry', () => {
    expect(bad(rawFile({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 0] } }, new Uint8Array(0)))).toThrow(/tensor 'a' has an invalid shape/);
    expect(bad(rawFile({ __metadata__: { n: 3 } }, new Uint8Array(0)))).toThrow(/__metadata__\['n'\] must be a string/);
    expect(bad(rawFile({ a: 5 }, new Uint8Array(0)))).toThrow(/entry 'a' must be an object/);
  });
  it('a BOOL byte other than 0 or 1', () => {
    expect(bad(rawFile({ m: { dtype: 'BOOL', shape: [1], data_offsets: [0, 1] } }, new Uint8Array([2])))).toThrow(/BOOL tensor 'm' element 0 is 2/);
  });
});
