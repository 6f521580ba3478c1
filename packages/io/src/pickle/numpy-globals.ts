// Opt-in allow-list entries for numpy arrays (torchvision's cifar-10-batches-py): inert dtype and array records.
import { NDArray, contiguousStrides } from '@adder/tensor';
import type { GlobalHandler, PickleExtension, PickleValue } from './values';
import { PyGlobal, describeValue, isTuple } from './values';
import { BuilderError } from './builder-error';
import type { ElementFormat } from './decode-elements';
import { ElementRangeError, FORMAT_SIZE, decodeElements } from './decode-elements';
import { latin1Decode, latin1Encode } from './latin1';

const NUMPY_FORMATS: Readonly<Record<string, ElementFormat>> = {
  f2: 'f2', f4: 'f4', f8: 'f8', i1: 'i1', u1: 'u1', b1: 'b1', i2: 'i2', u2: 'u2', i4: 'i4', u4: 'u4', i8: 'i8', u8: 'u8',
};

/** A numpy dtype as numpy.dtype(code, align, copy) plus its BUILD state describes it. */
export class NumpyDType implements PickleExtension {
  readonly pickleKind = 'numpy.dtype';
  /** '<' little, '>' big, '|' not applicable, '=' native. */
  byteOrder = '=';
  constructor(readonly code: string) {}
  setState(state: PickleValue): void {
    if (!isTuple(state) || typeof state[1] !== 'string') throw new BuilderError(`numpy.dtype state must be a tuple (version, byteorder, ...), got ${describeValue(state)}`);
    this.byteOrder = state[1];
  }
  /** The raw element format, or an error for dtypes that carry no plain numbers (objects, strings, records). */
  format(): ElementFormat {
    const code = this.code.replace(/^[<>|=]/, '');
    const f = NUMPY_FORMATS[code];
    if (!f) throw new BuilderError(`numpy dtype '${this.code}' is not a numeric dtype this reader supports`);
    return f;
  }
  /** Whether the elements are little-endian: true unless the dtype code or the pickled byte order is '>'. */
  get littleEndian(): boolean {
    const order = /^[<>]/.test(this.code) ? this.code[0]! : this.byteOrder;
    return order !== '>';
  }
}

/** A numpy array as `_reconstruct` + BUILD describe it: shape, dtype, order and raw bytes (not yet decoded). */
export class NumpyArray implements PickleExtension {
  readonly pickleKind = 'numpy.ndarray';
  shape: number[] = [0];
  dtype: NumpyDType | null = null;
  fortranOrder = false;
  raw: Uint8Array = new Uint8Array(0);
  setState(state: PickleValue): void {
    // (version, shape, dtype, is_fortran, rawdata), or the same without the version.
    if (!isTuple(state) || (state.length !== 5 && state.length !== 4)) {
      throw new BuilderError(`numpy.ndarray state must be a 4- or 5-tuple, got ${describeValue(state)}`);
    }
    const [shape, dtype, fortran, raw] = state.length === 5 ? state.slice(1) : state;
    if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0)) {
      throw new BuilderError('numpy.ndarray state: the shape must be a tuple of non-negative ints');
    }
    if (!(dtype instanceof NumpyDType)) throw new BuilderError(`numpy.ndarray state: expected a dtype, got ${describeValue(dtype ?? null)}`);
    if (raw instanceof Uint8Array) this.raw = raw;
    else if (typeof raw === 'string') this.raw = latin1Encode(raw); // Python 2 str data
    else throw new BuilderError(`numpy.ndarray state: expected raw bytes (object arrays are refused), got ${describeValue(raw ?? null)}`);
    this.shape = shape as number[];
    this.dtype = dtype;
    this.fortranOrder = fortran === true || fortran === 1;
  }
}

/**
 * Decodes a numpy array into an NDArray (uint8 stays uint8, float64 stays float64, halves widen to float32,
 * other integers load as int32 with a range check). `what` names the array in errors.
 */
export function numpyToNDArray(arr: NumpyArray, what = 'numpy array'): NDArray {
  if (!arr.dtype) throw new BuilderError(`${what}: the array was never given its state`);
  const format = arr.dtype.format();
  const count = arr.shape.reduce((a, b) => a * b, 1);
  const need = count * FORMAT_SIZE[format];
  if (arr.raw.length !== need) {
    throw new BuilderError(`${what}: shape [${arr.shape}] of ${arr.dtype.code} needs ${need} bytes, found ${arr.raw.length}`);
  }
  let data;
  try {
    data = decodeElements(arr.raw, format, count, arr.dtype.littleEndian);
  } catch (e) {
    if (e instanceof ElementRangeError) throw new BuilderError(`${what}: ${e.message}`);
    throw e;
  }
  const flat = NDArray.fromTyped(data, [count]);
  if (!arr.fortranOrder || arr.shape.length < 2) return new NDArray(flat.storage, arr.shape);
  // Fortran order: the first axis varies fastest, i.e. the strides of the reversed shape, reversed.
  const strides = contiguousStrides([...arr.shape].reverse()).reverse();
  return new NDArray(flat.storage, arr.shape, strides).contiguous();
}

function numpyScalar(args: readonly PickleValue[]): PickleValue {
  const [dtype, raw] = args;
  if (!(dtype instanceof NumpyDType)) throw new BuilderError(`numpy scalar expects a dtype, got ${describeValue(dtype ?? null)}`);
  const bytes = raw instanceof Uint8Array ? raw : typeof raw === 'string' ? latin1Encode(raw) : null;
  if (!bytes) throw new BuilderError('numpy scalar expects raw bytes');
  const format = dtype.format();
  if (bytes.length !== FORMAT_SIZE[format]) throw new BuilderError(`numpy scalar of ${dtype.code} needs ${FORMAT_SIZE[format]} bytes, found ${bytes.length}`);
  return decodeElements(bytes, format, 1, dtype.littleEndian)[0]!;
}

const reconstruct: GlobalHandler = {
  call(args) {
    const [subtype] = args;
    if (!(subtype instanceof PyGlobal) || subtype.name !== 'ndarray') {
      throw new BuilderError(`numpy _reconstruct is only allowed for numpy.ndarray, got ${describeValue(subtype ?? null)}`);
    }
    return new NumpyArray();
  },
};

const dtype: GlobalHandler = {
  call(args) {
    const [code] = args;
    const text = code instanceof Uint8Array ? latin1Decode(code) : code;
    if (typeof text !== 'string') throw new BuilderError(`numpy.dtype expects a type code string, got ${describeValue(code ?? null)}`);
    return new NumpyDType(text);
  },
};

const scalar: GlobalHandler = { call: numpyScalar };

/** Protocol 5 arrays: _frombuffer(buffer, dtype, shape, order) with the buffer in-band (BYTEARRAY8). */
const frombuffer: GlobalHandler = {
  call(args) {
    const [buf, dt, shape, order] = args;
    const arr = new NumpyArray();
    arr.setState(Object.freeze([1, shape ?? null, dt ?? null, order === 'F', buf ?? null]));
    return arr;
  },
};

/** numpy globals, accepted only when a reader opts in (`numpy: true`); numpy 2 spells the module numpy._core. */
export const NUMPY_GLOBALS: Record<string, GlobalHandler> = {
  'numpy.core.multiarray._reconstruct': reconstruct,
  'numpy._core.multiarray._reconstruct': reconstruct,
  'numpy.core.multiarray.scalar': scalar,
  'numpy._core.multiarray.scalar': scalar,
  'numpy.core.numeric._frombuffer': frombuffer,
  'numpy._core.numeric._frombuffer': frombuffer,
  'numpy.ndarray': {},
  'numpy.dtype': dtype,
};
