// Decodes raw element bytes (torch storages, numpy buffers) into the tensor package's dtypes.
import type { DType, TypedArray } from '@adder/tensor';
import { allocate } from '@adder/tensor';

/** Raw element formats, named like numpy's type codes (bf16 is bfloat16, b1 is bool). */
export type ElementFormat = 'f2' | 'bf16' | 'f4' | 'f8' | 'i1' | 'u1' | 'b1' | 'i2' | 'u2' | 'i4' | 'u4' | 'i8' | 'u8';

/** Bytes per element of each raw format. */
export const FORMAT_SIZE: Readonly<Record<ElementFormat, number>> = {
  f2: 2, bf16: 2, f4: 4, f8: 8, i1: 1, u1: 1, b1: 1, i2: 2, u2: 2, i4: 4, u4: 4, i8: 8, u8: 8,
};

/** The NDArray dtype each raw format loads as: halves widen to float32, 64-bit ints narrow to int32 (checked). */
export const FORMAT_DTYPE: Readonly<Record<ElementFormat, DType>> = {
  f2: 'float32', bf16: 'float32', f4: 'float32', f8: 'float64',
  i1: 'int32', u1: 'uint8', b1: 'uint8', i2: 'int32', u2: 'int32', i4: 'int32', u4: 'int32', i8: 'int32', u8: 'int32',
};

const HOST_LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** IEEE half (binary16) bits to a number: (-1)^s * 2^(e-15) * (1 + m/1024), subnormals 2^-14 * m/1024. */
export function halfToFloat(bits: number): number {
  const s = bits & 0x8000 ? -1 : 1;
  const e = (bits >> 10) & 0x1f;
  const m = bits & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m === 0 ? s * Infinity : NaN;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** A 64-bit integer element that does not fit the int32 it loads as. */
export class ElementRangeError extends Error {
  constructor(
    readonly index: number,
    readonly value: bigint,
  ) {
    super(`element ${index} is ${value}, outside the int32 range that 64-bit integers load as`);
  }
}

/**
 * Decodes `count` elements of `format` from `bytes` (which must hold at least count * size bytes) into a
 * freshly allocated typed array of FORMAT_DTYPE[format]. Throws ElementRangeError for 64-bit values beyond int32.
 */
export function decodeElements(bytes: Uint8Array, format: ElementFormat, count: number, littleEndian = true): TypedArray {
  const size = FORMAT_SIZE[format];
  const out = allocate(FORMAT_DTYPE[format], count);
  const src = bytes.subarray(0, count * size);
  const sameLayout = (littleEndian === HOST_LITTLE || size === 1) && (format === 'f4' || format === 'f8' || format === 'i4' || format === 'u1' || format === 'b1');
  if (sameLayout) {
    new Uint8Array(out.buffer, out.byteOffset, count * size).set(src);
    return out;
  }
  const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
  const le = littleEndian;
  switch (format) {
    case 'f4': for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, le); break;
    case 'f8': for (let i = 0; i < count; i++) out[i] = view.getFloat64(i * 8, le); break;
    case 'i4': for (let i = 0; i < count; i++) out[i] = view.getInt32(i * 4, le); break;
    case 'u1': case 'b1': out.set(src); break;
    case 'f2': for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(i * 2, le)); break;
    case 'bf16': {
      // bfloat16 is the top half of a float32.
      const word = new DataView(new ArrayBuffer(4));
      for (let i = 0; i < count; i++) {
        word.setUint32(0, view.getUint16(i * 2, le) << 16, true);
        out[i] = word.getFloat32(0, true);
      }
      break;
    }
    case 'i1': for (let i = 0; i < count; i++) out[i] = view.getInt8(i); break;
    case 'i2': for (let i = 0; i < count; i++) out[i] = view.getInt16(i * 2, le); break;
    case 'u2': for (let i = 0; i < count; i++) out[i] = view.getUint16(i * 2, le); break;
    case 'u4':
      for (let i = 0; i < count; i++) {
        const v = view.getUint32(i * 4, le);
        if (v > 0x7fffffff) throw new ElementRangeError(i, BigInt(v));
        out[i] = v;
      }
      break;
    case 'i8': case 'u8': {
      // In range iff the high word is the sign extension of the low word (and non-negative for u8).
      for (let i = 0; i < count; i++) {
        const lo = view.getInt32(i * 8 + (le ? 0 : 4), le);
        const hi = view.getInt32(i * 8 + (le ? 4 : 0), le);
        if (hi !== lo >> 31 || (format === 'u8' && hi !== 0)) {
          throw new ElementRangeError(i, format === 'u8' ? view.getBigUint64(i * 8, le) : view.getBigInt64(i * 8, le));
        }
        out[i] = lo;
      }
      break;
    }
  }
  return out;
}
