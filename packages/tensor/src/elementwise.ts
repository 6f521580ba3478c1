// Element-wise kernels with NumPy broadcasting. Each op's loop is generated once from a one-line
// expression so that V8 compiles a monomorphic, closure-free loop per op (see compileBinary).
// The contiguous and scalar-operand loops are kernels of the registry ('elementwise.binary', 'elementwise.unary',
// 'elementwise.where'): js = the loops here, simd = ./simd/elementwise-simd.ts for float32 (see its header for
// which ops, and why the others stay on js).
import { getKernel, registerKernel } from './backend/registry';
import type { DType, TypedArray } from './dtype';
import { fitsDtype, isFloat } from './dtype';
import { TensorError, fmtShape } from './errors';
import { NDArray, stridedOffsets } from './ndarray';
import { broadcastShapes, sameShape } from './shape';
import { Storage } from './storage';
import { parallelBinary, parallelUnary } from './parallel/elementwise-chunks';
import { SIMD_BINARY_OPS, SIMD_UNARY_OPS, binaryWasm, unaryWasm, whereWasm } from './simd/elementwise-simd';

type BinaryLoop = (a: TypedArray, ao: number, as: number, b: TypedArray, bo: number, bs: number, out: TypedArray, oo: number, ia: Int32Array | null, ib: Int32Array | null, n: number) => void;
type UnaryLoop = (a: TypedArray, ao: number, ia: Int32Array | null, out: TypedArray, oo: number, n: number, p: number, q: number) => void;

/**
 * Builds `out[i] = expr(x, y)`. Fast path: both operands contiguous, or one a scalar
 * (stride multiplier as = 0/1). General path: precomputed physical offsets ia/ib.
 */
function compileBinary(expr: string): BinaryLoop {
  return new Function('a', 'ao', 'as', 'b', 'bo', 'bs', 'out', 'oo', 'ia', 'ib', 'n', `
    if (ia === null) {
      for (let i = 0; i < n; i++) { const x = a[ao + i * as], y = b[bo + i * bs]; out[oo + i] = ${expr}; }
    } else {
      for (let i = 0; i < n; i++) { const x = a[ia[i]], y = b[ib[i]]; out[oo + i] = ${expr}; }
    }`) as BinaryLoop;
}

/** Builds `out[i] = expr(x)` with optional parameters p, q (clamp bounds). */
function compileUnary(expr: string): UnaryLoop {
  return new Function('a', 'ao', 'ia', 'out', 'oo', 'n', 'p', 'q', `
    if (ia === null) {
      for (let i = 0; i < n; i++) { const x = a[ao + i]; out[oo + i] = ${expr}; }
    } else {
      for (let i = 0; i < n; i++) { const x = a[ia[i]]; out[oo + i] = ${expr}; }
    }`) as UnaryLoop;
}

/** The binary ops: name -> expression in x, y. Comparisons produce 0/1 in a uint8 mask. */
const BINARY_EXPR = {
  add: 'x + y',
  sub: 'x - y',
  mul: 'x * y',
  div: 'x / y',
  pow: 'Math.pow(x, y)',
  maximum: '(x > y || x !== x) ? x : y',
  minimum: '(x < y || x !== x) ? x : y',
  eq: 'x === y ? 1 : 0',
  ne: 'x !== y ? 1 : 0',
  lt: 'x < y ? 1 : 0',
  le: 'x <= y ? 1 : 0',
  gt: 'x > y ? 1 : 0',
  ge: 'x >= y ? 1 : 0',
} as const;
/** Name of a binary element-wise op. */
export type BinaryOp = keyof typeof BINARY_EXPR;
const COMPARISONS = new Set<BinaryOp>(['eq', 'ne', 'lt', 'le', 'gt', 'ge']);
const FLOAT_ONLY_BINARY = new Set<BinaryOp>(['div', 'pow']);

/** The unary ops: name -> expression in x (p, q are parameters). */
const UNARY_EXPR = {
  neg: '-x',
  abs: 'Math.abs(x)',
  sign: 'x > 0 ? 1 : (x < 0 ? -1 : (x === 0 ? 0 : x))',
  exp: 'Math.exp(x)',
  log: 'Math.log(x)',
  sqrt: 'Math.sqrt(x)',
  rsqrt: '1 / Math.sqrt(x)',
  relu: 'x > 0 ? x : (x !== x ? x : 0)',
  sigmoid: 'x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))',
  tanh: 'Math.tanh(x)',
  square: 'x * x',
  clamp: 'x < p ? p : (x > q ? q : x)',
  mulScalar: 'x * p',
  addScalar: 'x + p',
  powScalar: 'Math.pow(x, p)',
} as const;
/** Name of a unary element-wise op. */
export type UnaryOp = keyof typeof UNARY_EXPR;
const FLOAT_ONLY_UNARY = new Set<UnaryOp>(['exp', 'log', 'sqrt', 'rsqrt', 'sigmoid', 'tanh', 'powScalar']);

const binaryLoops = new Map<BinaryOp, BinaryLoop>();
const unaryLoops = new Map<UnaryOp, UnaryLoop>();
for (const [k, e] of Object.entries(BINARY_EXPR)) binaryLoops.set(k as BinaryOp, compileBinary(e));
for (const [k, e] of Object.entries(UNARY_EXPR)) unaryLoops.set(k as UnaryOp, compileUnary(e));
/** Every binary op name, in a fixed order (workers receive an op as its index here). */
export const BINARY_OPS = Object.keys(BINARY_EXPR) as BinaryOp[];
/** Every unary op name, in a fixed order (a worker receives a unary op as its index here). */
export const UNARY_OPS = Object.keys(UNARY_EXPR) as UnaryOp[];
/** The compiled loop of a binary op (the js twin: contiguous/scalar operands, or offset arrays ia, ib). */
export function binaryLoopOf(op: BinaryOp): BinaryLoop {
  return binaryLoops.get(op)!;
}
/** The compiled loop of a unary op (the js twin: contiguous operand, or an offset array ia). */
export function unaryLoopOf(op: UnaryOp): UnaryLoop {
  return unaryLoops.get(op)!;
}

/**
 * Kernel 'elementwise.binary': out[oo + i] = op(a[ao + i*as], b[bo + i*bs]) for i < n, each stride 1 or 0 (a
 * scalar operand); out is contiguous (a uint8 mask for the comparisons).
 */
export type BinaryKernel = (op: BinaryOp, a: TypedArray, ao: number, as: number, b: TypedArray, bo: number, bs: number, out: TypedArray, oo: number, n: number) => void;
/** Kernel 'elementwise.unary': out[oo + i] = op(a[ao + i]; p, q) for i < n. */
export type UnaryKernel = (op: UnaryOp, a: TypedArray, ao: number, out: TypedArray, oo: number, n: number, p: number, q: number) => void;
/** Kernel 'elementwise.where': out[oo + i] = m[mo + i*ms] !== 0 ? a[ao + i*as] : b[bo + i*bs], strides 1 or 0. */
export type WhereKernel = (m: TypedArray, mo: number, ms: number, a: TypedArray, ao: number, as: number, b: TypedArray, bo: number, bs: number, out: TypedArray, oo: number, n: number) => void;

/** Below this many elements the simd kernels hand over to js (the wasm call and block set-up cost more). */
const SIMD_MIN_ELEMENTS = 64;

/** The js element-wise kernels: the compiled loops (the oracles of the simd ones). */
const binaryJs: BinaryKernel = (op, a, ao, as, b, bo, bs, out, oo, n) => binaryLoops.get(op)!(a, ao, as, b, bo, bs, out, oo, null, null, n);
const unaryJs: UnaryKernel = (op, a, ao, out, oo, n, p, q) => unaryLoops.get(op)!(a, ao, null, out, oo, n, p, q);
const whereJs: WhereKernel = (m, mo, ms, a, ao, as, b, bo, bs, out, oo, n) => {
  for (let i = 0; i < n; i++) out[oo + i] = m[mo + i * ms] !== 0 ? a[ao + i * as]! : b[bo + i * bs]!;
};

/** float32 on WebAssembly SIMD128 for the ops SIMD128 has (see ./simd/elementwise-simd.ts); the rest on js. */
const binarySimd: BinaryKernel = (op, a, ao, as, b, bo, bs, out, oo, n) => {
  if (n >= SIMD_MIN_ELEMENTS && a instanceof Float32Array && b instanceof Float32Array && SIMD_BINARY_OPS.has(op) && (out instanceof Float32Array || out instanceof Uint8Array)) {
    binaryWasm(op, a, ao, as, b, bo, bs, out, oo, n);
  } else {
    binaryJs(op, a, ao, as, b, bo, bs, out, oo, n);
  }
};
const unarySimd: UnaryKernel = (op, a, ao, out, oo, n, p, q) => {
  if (n >= SIMD_MIN_ELEMENTS && a instanceof Float32Array && out instanceof Float32Array && SIMD_UNARY_OPS.has(op)) unaryWasm(op, a, ao, out, oo, n, p, q);
  else unaryJs(op, a, ao, out, oo, n, p, q);
};
const whereSimd: WhereKernel = (m, mo, ms, a, ao, as, b, bo, bs, out, oo, n) => {
  if (n >= SIMD_MIN_ELEMENTS && m instanceof Uint8Array && a instanceof Float32Array && b instanceof Float32Array && out instanceof Float32Array) {
    whereWasm(m, mo, ms, a, ao, as, b, bo, bs, out, oo, n);
  } else {
    whereJs(m, mo, ms, a, ao, as, b, bo, bs, out, oo, n);
  }
};

registerKernel('elementwise.binary', 'js', binaryJs);
registerKernel('elementwise.binary', 'simd', binarySimd);
registerKernel('elementwise.unary', 'js', unaryJs);
registerKernel('elementwise.unary', 'simd', unarySimd);
registerKernel('elementwise.where', 'js', whereJs);
registerKernel('elementwise.where', 'simd', whereSimd);

/** Checks an `out` argument and returns it, or allocates a fresh array. */
function outputFor(op: string, shape: readonly number[], dtype: DType, out?: NDArray): NDArray {
  if (out === undefined) return new NDArray(Storage.alloc(dtype, shape.reduce((p, d) => p * d, 1)), shape);
  if (!sameShape(out.shape, shape)) throw new TensorError(op, `out has shape ${fmtShape(out.shape)}, expected ${fmtShape(shape)}`);
  if (out.dtype !== dtype) throw new TensorError(op, `out has dtype ${out.dtype}, expected ${dtype}`);
  if (!out.isContiguous) throw new TensorError(op, 'out must be contiguous');
  out.storage.version++;
  return out;
}

/** A plain number operand becomes a 0-d array of the other operand's dtype; one that dtype cannot hold throws. */
function asArray(op: string, x: NDArray | number, like: NDArray): NDArray {
  if (typeof x !== 'number') return x;
  checkScalarFits(op, x, like.dtype);
  // e.g. -1 stored as uint8 would become 255, and gt(mask, -1) would quietly compare against 255
  if (!fitsDtype(x, like.dtype)) throw new TensorError(op, `scalar ${x} is outside the range of ${like.dtype}; cast the tensor explicitly`);
  const s = Storage.alloc(like.dtype, 1);
  s.data[0] = x;
  return new NDArray(s, []);
}

/**
 * An operand that is safe to read while writing `out`: the operand itself unless it shares out's buffer
 * with a different layout (then element i of out may overwrite an element still to be read), else a copy.
 */
function unaliased(x: NDArray, out: NDArray | undefined): NDArray {
  if (out === undefined || x.storage !== out.storage) return x;
  if (x.offset === out.offset && x.isContiguous && sameShape(x.shape, out.shape)) return x;
  return x.clone();
}

/** Throws when a number would be changed silently by storing it in `dtype` (a fraction or NaN into an int dtype). */
function checkScalarFits(op: string, x: number, dtype: DType): void {
  if (!isFloat(dtype) && !Number.isInteger(x)) {
    throw new TensorError(op, `scalar ${x} is not an integer but the tensor is ${dtype}; cast the tensor to a float dtype explicitly`);
  }
}

/** Applies a binary op with broadcasting; `out` (contiguous, right shape) avoids an allocation. */
export function binary(op: BinaryOp, aIn: NDArray | number, bIn: NDArray | number, out?: NDArray): NDArray {
  if (typeof aIn === 'number' && typeof bIn === 'number') throw new TensorError(op, 'expected at least one tensor operand');
  const a = unaliased(asArray(op, aIn, bIn as NDArray), out);
  const b = unaliased(asArray(op, bIn, a), out);
  if (a.dtype !== b.dtype) throw new TensorError(op, `dtype mismatch: ${a.dtype} and ${b.dtype}; cast one explicitly`);
  if (FLOAT_ONLY_BINARY.has(op) && !isFloat(a.dtype)) throw new TensorError(op, `expected float tensors, got ${a.dtype}`);
  const shape = sameShape(a.shape, b.shape) ? [...a.shape] : broadcastShapes(op, a.shape, b.shape);
  const res = outputFor(op, shape, COMPARISONS.has(op) ? 'uint8' : a.dtype, out);
  const n = res.size;
  if (n === 0) return res;
  const aFast = a.size === 1 ? 0 : a.isContiguous && sameShape(a.shape, shape) ? 1 : -1;
  const bFast = b.size === 1 ? 0 : b.isContiguous && sameShape(b.shape, shape) ? 1 : -1;
  if (aFast >= 0 && bFast >= 0) {
    if (parallelBinary(op, a.data, a.offset, aFast, b.data, b.offset, bFast, res.data, res.offset, n)) return res; // large: on the pool
    getKernel<BinaryKernel>('elementwise.binary')(op, a.data, a.offset, aFast, b.data, b.offset, bFast, res.data, res.offset, n);
  } else {
    const loop = binaryLoops.get(op)!;
    const ea = a.expand(shape);
    const eb = b.expand(shape);
    loop(a.data, 0, 0, b.data, 0, 0, res.data, res.offset, stridedOffsets(shape, ea.strides, ea.offset), stridedOffsets(shape, eb.strides, eb.offset), n);
  }
  return res;
}

/** Applies a unary op; p and q are its parameters (clamp's min and max, a scalar factor). */
export function unary(op: UnaryOp, aIn: NDArray, out?: NDArray, p = 0, q = 0): NDArray {
  const a = unaliased(aIn, out);
  if (FLOAT_ONLY_UNARY.has(op) && !isFloat(a.dtype)) throw new TensorError(op, `expected a float tensor, got ${a.dtype}`);
  const res = outputFor(op, a.shape, a.dtype, out);
  if (res.size === 0) return res;
  if (a.isContiguous) {
    if (parallelUnary(op, a.data, a.offset, res.data, res.offset, res.size, p, q)) return res; // large: on the pool
    getKernel<UnaryKernel>('elementwise.unary')(op, a.data, a.offset, res.data, res.offset, res.size, p, q);
  } else {
    unaryLoops.get(op)!(a.data, a.offset, a.offsets(), res.data, res.offset, res.size, p, q);
  }
  return res;
}

/** a + b (broadcasting; b may be a number). */
export const add = (a: NDArray | number, b: NDArray | number, out?: NDArray): NDArray => binary('add', a, b, out);
/** a - b. */
export const sub = (a: NDArray | number, b: NDArray | number, out?: NDArray): NDArray => binary('sub', a, b, out);
/** a * b. */
export const mul = (a: NDArray | number, b: NDArray | number, out?: NDArray): NDArray => binary('mul', a, b, out);
/** a / b (float only). */
export const div = (a: NDArray | number, b: NDArray | number, out?: NDArray): NDArray => binary('div', a, b, out);
/** a ** b (float only). */
export const pow = (a: NDArray | number, b: NDArray | number, out?: NDArray): NDArray => binary('pow', a, b, out);
/** Element-wise maximum (NaN propagates). */
export const maximum = (a: NDArray | number, b: NDArray | number, out?: NDArray): NDArray => binary('maximum', a, b, out);
/** Element-wise minimum (NaN propagates). */
export const minimum = (a: NDArray | number, b: NDArray | number, out?: NDArray): NDArray => binary('minimum', a, b, out);
/** a == b as a uint8 0/1 mask. */
export const eq = (a: NDArray | number, b: NDArray | number, out?: NDArray): NDArray => binary('eq', a, b, out);
/** a != b mask. */
export const ne = (a: NDArray | number, b: NDArray | number, out?: NDArray): NDArray => binary('ne', a, b, out);
/** a < b mask. */
export const lt = (a: NDArray | number, b: NDArray | number, out?: NDArray): NDArray => binary('lt', a, b, out);
/** a <= b mask. */
export const le = (a: NDArray | number, b: NDArray | number, out?: NDArray): NDArray => binary('le', a, b, out);
/** a > b mask. */
export const gt = (a: NDArray | number, b: NDArray | number, out?: NDArray): NDArray => binary('gt', a, b, out);
/** a >= b mask. */
export const ge = (a: NDArray | number, b: NDArray | number, out?: NDArray): NDArray => binary('ge', a, b, out);

/** -a. */
export const neg = (a: NDArray, out?: NDArray): NDArray => unary('neg', a, out);
/** |a|. */
export const abs = (a: NDArray, out?: NDArray): NDArray => unary('abs', a, out);
/** sign(a) in {-1, 0, 1}. */
export const sign = (a: NDArray, out?: NDArray): NDArray => unary('sign', a, out);
/** e^a. */
export const exp = (a: NDArray, out?: NDArray): NDArray => unary('exp', a, out);
/** Natural log. */
export const log = (a: NDArray, out?: NDArray): NDArray => unary('log', a, out);
/** Square root. */
export const sqrt = (a: NDArray, out?: NDArray): NDArray => unary('sqrt', a, out);
/** 1 / sqrt(a). */
export const rsqrt = (a: NDArray, out?: NDArray): NDArray => unary('rsqrt', a, out);
/** max(a, 0). */
export const relu = (a: NDArray, out?: NDArray): NDArray => unary('relu', a, out);
/** 1 / (1 + e^-a), computed without overflow. */
export const sigmoid = (a: NDArray, out?: NDArray): NDArray => unary('sigmoid', a, out);
/** tanh(a). */
export const tanh = (a: NDArray, out?: NDArray): NDArray => unary('tanh', a, out);
/** a * a. */
export const square = (a: NDArray, out?: NDArray): NDArray => unary('square', a, out);
/** Clamps into [min, max] (either bound may be omitted). */
export function clamp(a: NDArray, min = -Infinity, max = Infinity, out?: NDArray): NDArray {
  if (min > max) throw new TensorError('clamp', `min ${min} is greater than max ${max}`);
  if (!isFloat(a.dtype) && ((Number.isFinite(min) && !Number.isInteger(min)) || (Number.isFinite(max) && !Number.isInteger(max)))) {
    throw new TensorError('clamp', `bounds ${min}, ${max} are not integers but the tensor is ${a.dtype}; cast it to a float dtype explicitly`);
  }
  return unary('clamp', a, out, min, max);
}
/** a * s for a number s (an int tensor needs an integer s). */
export function mulScalar(a: NDArray, s: number, out?: NDArray): NDArray {
  checkScalarFits('mulScalar', s, a.dtype);
  return unary('mulScalar', a, out, s);
}
/** a + s for a number s (an int tensor needs an integer s). */
export function addScalar(a: NDArray, s: number, out?: NDArray): NDArray {
  checkScalarFits('addScalar', s, a.dtype);
  return unary('addScalar', a, out, s);
}
/** a ** s for a number s. */
export const powScalar = (a: NDArray, s: number, out?: NDArray): NDArray => unary('powScalar', a, out, s);

/** mask ? a : b, broadcasting all three. The mask is any dtype (non-zero = true); `out` avoids an allocation. */
export function where(mask: NDArray, a: NDArray | number, b: NDArray | number, out?: NDArray): NDArray {
  const like = typeof a === 'number' ? (typeof b === 'number' ? null : b) : a;
  if (like === null) throw new TensorError('where', 'expected at least one tensor among a and b');
  const A = unaliased(asArray('where', a, like), out);
  const B = unaliased(asArray('where', b, like), out);
  mask = unaliased(mask, out);
  if (A.dtype !== B.dtype) throw new TensorError('where', `dtype mismatch: ${A.dtype} and ${B.dtype}; cast one explicitly`);
  const shape = broadcastShapes('where', broadcastShapes('where', mask.shape, A.shape), B.shape);
  const res = outputFor('where', shape, A.dtype, out);
  const n = res.size;
  if (n === 0) return res;
  // contiguous or scalar operands: the kernel, without the offset arrays
  const stride = (x: NDArray): number => (x.size === 1 ? 0 : x.isContiguous && sameShape(x.shape, shape) ? 1 : -1);
  const ms = stride(mask), as = stride(A), bs = stride(B);
  if (ms >= 0 && as >= 0 && bs >= 0) {
    getKernel<WhereKernel>('elementwise.where')(mask.data, mask.offset, ms, A.data, A.offset, as, B.data, B.offset, bs, res.data, res.offset, n);
    return res;
  }
  const m = mask.expand(shape);
  const ea = A.expand(shape);
  const eb = B.expand(shape);
  const im = stridedOffsets(shape, m.strides, m.offset);
  const ia = stridedOffsets(shape, ea.strides, ea.offset);
  const ib = stridedOffsets(shape, eb.strides, eb.offset);
  const md = mask.data, ad = A.data, bd = B.data, od = res.data, oo = res.offset;
  for (let i = 0; i < n; i++) od[oo + i] = md[im[i]!] !== 0 ? ad[ia[i]!]! : bd[ib[i]!]!;
  return res;
}

/** Copies src (broadcast to dst's shape) into dst in place, bumping dst's version. */
export function assign(dst: NDArray, src: NDArray | number): void {
  // a source sharing dst's buffer is copied first, so no element is overwritten before it is read
  const s = typeof src === 'number' ? asArray('assign', src, dst) : src.storage === dst.storage ? src.clone() : src;
  if (s.dtype !== dst.dtype) throw new TensorError('assign', `dtype mismatch: ${dst.dtype} and ${s.dtype}; cast explicitly`);
  const target = broadcastShapes('assign', dst.shape, s.shape);
  if (!sameShape(target, dst.shape)) {
    throw new TensorError('assign', `src of shape ${fmtShape(s.shape)} does not broadcast to dst shape ${fmtShape(dst.shape)}`);
  }
  const es = s.expand(dst.shape);
  const id = stridedOffsets(dst.shape, dst.strides, dst.offset);
  const is = stridedOffsets(dst.shape, es.strides, es.offset);
  const dd = dst.data, sd = s.data;
  for (let i = 0; i < id.length; i++) dd[id[i]!] = sd[is[i]!]!;
  dst.storage.version++;
}
