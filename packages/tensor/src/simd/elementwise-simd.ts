// The simd element-wise kernels: float32 binary maps, unary maps and the where select on WebAssembly SIMD128,
// twins of the js kernels 'elementwise.binary', 'elementwise.unary', 'elementwise.where' of ../elementwise.ts
// (binaryLoopOf, unaryLoopOf and the contiguous where loop: the oracles). Only the contiguous and scalar-operand
// layouts reach them (a stride-0 operand is a splat: its value is written across the whole copy block once);
// strided and broadcast layouts stay on the js offset loops.
//
// Math. The js loops read float32 into float64, compute there and round to float32 on store. Here:
// - add, sub, mul, div, sqrt, square: one f32x4 instruction. For these IEEE operations float64 has more than
//   2 * 24 + 2 bits, so rounding the float64 result to float32 gives the correctly rounded float32 result: the
//   same bits as the js loop (NaN payloads aside, as everywhere below).
// - maximum, minimum, relu, clamp, the comparisons: written as the js expressions, lane-wise: a comparison mask and
//   v128.bitselect, e.g. maximum = (x > y || x !== x) ? x : y. (Not f32x4.max/min: they turn max(+0, -0) into +0
//   where the js loop returns its second operand, -0.) The comparisons' -1/0 lanes narrow to 0/1 bytes.
// - where(mask, a, b) with a uint8 mask: 8 mask bytes widened to i32 lanes (v128.load8x8_u, extend), == 0, and
//   v128.bitselect: exact. With gt, it makes relu's backward, where(gt(y, 0), g, 0), a pair of simd kernels.
// - mulScalar, addScalar, clamp take a float64 parameter p (and q): with p exact in float32 they run in f32x4 as
//   above; otherwise in f64x2 lanes (promote each half, compute as js does in float64, demote), so that
//   x * 0.1 rounds as the js loop rounds it. rsqrt = 1 / sqrt(x) always runs in f64x2 (two roundings in float64,
//   then the one to float32: the js sequence).
// - Not here, on js whatever the backend: exp, log, tanh, sigmoid, pow, powScalar (SIMD128 has no instruction for
//   them) and sign (rare); every non-float32 dtype; the strided layouts.
//
// Layout. The operands live in ordinary JS typed arrays: each call copies them into the module's memory in blocks
// of BLOCK elements (x, y, mask, out: 208 KiB in all, fixed, reused by every call), runs the block, and copies
// the out block back. A loop step is 16 elements (four v128); the last step of a block may read and write past its
// length into the block buffers (never past them), and only `len` results are copied back.
//
// Measured: the kernels on 1M float32 elements, one thread, 2-core EPYC shared with other jobs (load ~3), median of
// 7; ns per element, js -> simd, the copies in and out included:
//   add 2.64 -> 0.54, sub 3.03 -> 0.45, mul 3.03 -> 0.45, div 3.07 -> 0.57, maximum 4.22 -> 0.60,
//   minimum 4.03 -> 0.48, mul by a scalar operand 3.04 -> 0.31, gt scalar (uint8 out) 3.33 -> 0.23, eq 3.36 -> 0.34,
//   neg 1.98 -> 0.29, abs 1.94 -> 0.27, sqrt 2.49 -> 0.54, relu 2.52 -> 0.32, square 1.94 -> 0.26,
//   clamp(-1, 1) 4.63 -> 0.42, clamp(-0.1, 0.1) (f64x2) 3.14 -> 0.70, mulScalar 0.5 1.97 -> 0.27,
//   mulScalar 0.1 (f64x2) 1.95 -> 0.39, addScalar 0.3 (f64x2) 1.94 -> 0.82, rsqrt (f64x2) 3.78 -> 2.48,
//   where(mask, a, 0) 3.87 -> 0.54.
// Every op here is faster with the copies than the js loop, so none was sent back to js. Small calls are: a call
// costs ~150 ns of fixed overhead (the views, the copies' set-up, the wasm call), js and simd cross over at 64-128
// elements, and below SIMD_MIN_ELEMENTS (64, in ../elementwise.ts) the simd kernels run the js loop.
import { u32 } from '../wasm/encoding';
import { FunctionBuilder, type Local } from '../wasm/function-builder';
import type { ModuleBuilder } from '../wasm/module-builder';
import { SIMD_PREFIX, SimdOp, ValType } from '../wasm/opcodes';
import { KernelModule, type KernelExports } from '../wasm/runtime';

/** Elements per copy block (a multiple of GROUP). */
export const BLOCK = 16_384;
/** Elements per loop step: four v128 of four float32. */
const GROUP = 16;

const { i32, f32, f64, v128 } = ValType;

type SimdName = keyof typeof SimdOp;
/** Pushes the result v128 of an op on lane-wise operands held in locals. */
type Expr = (f: FunctionBuilder, x: Local, y: Local, q: Local) => void;

const arith = (name: SimdName): Expr => (f, x, y) => void f.get(x).get(y).simd(name);
/** (x CMP y || x !== x) ? x : y, lane-wise. */
const pick = (cmp: 'f32x4_gt' | 'f32x4_lt'): Expr => (f, x, y) =>
  void f.get(x).get(y).get(x).get(y).simd(cmp).get(x).get(x).simd('f32x4_ne').simd('v128_or').simd('v128_bitselect');

/** Binary ops with a float32 result: x, y are the operands. */
const F32_BINARY: Record<string, Expr> = {
  add: arith('f32x4_add'),
  sub: arith('f32x4_sub'),
  mul: arith('f32x4_mul'),
  div: arith('f32x4_div'),
  maximum: pick('f32x4_gt'),
  minimum: pick('f32x4_lt'),
};
/** Comparisons: a uint8 0/1 result. */
const MASK_BINARY: Record<string, Expr> = {
  eq: arith('f32x4_eq'),
  ne: arith('f32x4_ne'),
  lt: arith('f32x4_lt'),
  le: arith('f32x4_le'),
  gt: arith('f32x4_gt'),
  ge: arith('f32x4_ge'),
};

/** clamp: x < p ? p : (x > q ? q : x), lane-wise in f32x4 or f64x2. */
const clampExpr = (lt: 'f32x4_lt' | 'f64x2_lt', gt: 'f32x4_gt' | 'f64x2_gt'): Expr => (f, x, p, q) =>
  void f.get(p).get(q).get(x).get(x).get(q).simd(gt).simd('v128_bitselect').get(x).get(p).simd(lt).simd('v128_bitselect');

/** Unary ops in f32x4 lanes: x the operand, p and q its parameters splatted (a float32-exact p and q). */
const F32_UNARY: Record<string, Expr> = {
  neg: (f, x) => void f.get(x).simd('f32x4_neg'),
  abs: (f, x) => void f.get(x).simd('f32x4_abs'),
  sqrt: (f, x) => void f.get(x).simd('f32x4_sqrt'),
  square: (f, x) => void f.get(x).get(x).simd('f32x4_mul'),
  // x > 0 ? x : (x !== x ? x : 0)
  relu: (f, x) => void f.get(x).f32x4(0).get(x).f32x4(0).simd('f32x4_gt').get(x).get(x).simd('f32x4_ne').simd('v128_or').simd('v128_bitselect'),
  clamp: clampExpr('f32x4_lt', 'f32x4_gt'),
  mulScalar: arith('f32x4_mul'),
  addScalar: arith('f32x4_add'),
};
/** Unary ops in f64x2 lanes (the operand promoted from float32, the result demoted): p and q as float64. */
const F64_UNARY: Record<string, Expr> = {
  clamp: clampExpr('f64x2_lt', 'f64x2_gt'),
  mulScalar: arith('f64x2_mul'),
  addScalar: arith('f64x2_add'),
  // 1 / Math.sqrt(x): the one is splatted by the caller into q's slot (rsqrt has no parameter)
  rsqrt: (f, x, _p, one) => void f.get(one).get(x).simd('f64x2_sqrt').simd('f64x2_div'),
};
/** Unary ops whose parameters decide the lanes: f32x4 when every parameter is exact in float32. */
const PARAMETERS: Record<string, number> = { clamp: 2, mulScalar: 1, addScalar: 1 };

/** The binary ops the simd backend runs (float32 operands). */
export const SIMD_BINARY_OPS: ReadonlySet<string> = new Set([...Object.keys(F32_BINARY), ...Object.keys(MASK_BINARY)]);
/** The unary ops the simd backend runs (float32 operand). */
export const SIMD_UNARY_OPS: ReadonlySet<string> = new Set([...Object.keys(F32_UNARY), ...Object.keys(F64_UNARY)]);
/** The comparisons: their result is a uint8 mask. */
const MASK_OPS: ReadonlySet<string> = new Set(Object.keys(MASK_BINARY));

/** i8x16.shuffle by 32-bit lanes of the two v128 on the stack (0-3 the first, 4-7 the second). */
function shuffle32(f: FunctionBuilder, lanes: readonly [number, number, number, number]): void {
  f.emit(SIMD_PREFIX, ...u32(SimdOp.i8x16_shuffle), ...lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]));
}

/** do { body(); each pointer += its step } while (--groups), skipped when groups is 0. */
function emitGroups(f: FunctionBuilder, groups: Local, pointers: ReadonlyArray<readonly [Local, number]>, body: () => void): void {
  f.block((exit) => {
    f.get(groups).op('i32_eqz').brIf(exit);
    f.loop((top) => {
      body();
      for (const [p, step] of pointers) f.get(p).i32(step).op('i32_add').set(p);
      f.get(groups).i32(1).op('i32_sub').tee(groups).brIf(top);
    });
  });
}

/** bin_<op>(x, y, out, groups): out = op(x, y) over groups of 16 float32 (out float32, or uint8 for a comparison). */
function emitBinary(m: ModuleBuilder, op: string, expr: Expr, mask: boolean): void {
  const f = new FunctionBuilder(`bin_${op}`, [['x', i32], ['y', i32], ['out', i32], ['groups', i32]]);
  const [x, y, out, groups] = [f.arg('x'), f.arg('y'), f.arg('out'), f.arg('groups')];
  const xv = f.local('xv', v128), yv = f.local('yv', v128), none = f.local('none', v128), ones = f.local('ones', v128);
  const r = [0, 1, 2, 3].map((k) => f.local(`r${k}`, v128));
  f.i32(0x01010101).simd('i32x4_splat').set(ones);
  emitGroups(f, groups, [[x, 64], [y, 64], [out, mask ? 16 : 64]], () => {
    for (let k = 0; k < 4; k++) {
      f.get(x).vmem('v128_load', 16 * k).set(xv);
      f.get(y).vmem('v128_load', 16 * k).set(yv);
      if (mask) {
        expr(f, xv, yv, none);
        f.set(r[k]!);
      } else {
        f.get(out);
        expr(f, xv, yv, none);
        f.vmem('v128_store', 16 * k);
      }
    }
    if (mask) {
      // -1/0 in i32 lanes -> -1/0 in bytes (signed narrowing keeps -1), then & 1
      f.get(out).get(r[0]!).get(r[1]!).simd('i16x8_narrow_i32x4_s').get(r[2]!).get(r[3]!).simd('i16x8_narrow_i32x4_s');
      f.simd('i8x16_narrow_i16x8_s').get(ones).simd('v128_and').vmem('v128_store');
    }
  });
  m.addFunction(f);
}

/** un_<op>(x, out, groups, p, q) in f32x4 lanes (p, q f32), or un64_<op> in f64x2 lanes (p, q f64). */
function emitUnary(m: ModuleBuilder, op: string, expr: Expr, wide: boolean): void {
  const t = wide ? f64 : f32;
  const f = new FunctionBuilder(`${wide ? 'un64' : 'un'}_${op}`, [['x', i32], ['out', i32], ['groups', i32], ['p', t], ['q', t]]);
  const [x, out, groups] = [f.arg('x'), f.arg('out'), f.arg('groups')];
  const xv = f.local('xv', v128), lo = f.local('lo', v128), hi = f.local('hi', v128), pv = f.local('pv', v128), qv = f.local('qv', v128);
  f.get(f.arg('p')).simd(wide ? 'f64x2_splat' : 'f32x4_splat').set(pv);
  if (op === 'rsqrt') f.f64(1).simd('f64x2_splat').set(qv);
  else f.get(f.arg('q')).simd(wide ? 'f64x2_splat' : 'f32x4_splat').set(qv);
  emitGroups(f, groups, [[x, 64], [out, 64]], () => {
    for (let k = 0; k < 4; k++) {
      f.get(x).vmem('v128_load', 16 * k).set(xv);
      if (!wide) {
        f.get(out);
        expr(f, xv, pv, qv);
        f.vmem('v128_store', 16 * k);
        continue;
      }
      f.get(xv).simd('f64x2_promote_low_f32x4').set(lo);
      f.get(xv).get(xv);
      shuffle32(f, [2, 3, 2, 3]);
      f.simd('f64x2_promote_low_f32x4').set(hi);
      f.get(out);
      expr(f, lo, pv, qv);
      f.simd('f32x4_demote_f64x2_zero');
      expr(f, hi, pv, qv);
      f.simd('f32x4_demote_f64x2_zero');
      shuffle32(f, [0, 1, 4, 5]);
      f.vmem('v128_store', 16 * k);
    }
  });
  m.addFunction(f);
}

/** where(mask, a, b, out, groups): out = mask !== 0 ? a : b over groups of 16 (mask uint8, a, b, out float32). */
function emitWhere(m: ModuleBuilder): void {
  const f = new FunctionBuilder('where', [['mask', i32], ['a', i32], ['b', i32], ['out', i32], ['groups', i32]]);
  const [mask, a, b, out, groups] = [f.arg('mask'), f.arg('a'), f.arg('b'), f.arg('out'), f.arg('groups')];
  const h = f.local('h', v128), zero = f.local('zero', v128), isZero = f.local('isZero', v128);
  f.i32(0).simd('i32x4_splat').set(zero);
  emitGroups(f, groups, [[mask, 16], [a, 64], [b, 64], [out, 64]], () => {
    for (let half = 0; half < 2; half++) {
      f.get(mask).vmem('v128_load8x8_u', 8 * half).set(h); // 8 mask bytes as i16 lanes
      for (let k = 0; k < 2; k++) {
        const off = 16 * (2 * half + k);
        f.get(h).simd(k === 0 ? 'i32x4_extend_low_i16x8_u' : 'i32x4_extend_high_i16x8_u').get(zero).simd('i32x4_eq').set(isZero);
        f.get(out).get(b).vmem('v128_load', off).get(a).vmem('v128_load', off).get(isZero).simd('v128_bitselect').vmem('v128_store', off);
      }
    }
  });
  m.addFunction(f);
}

const elementwiseModule = new KernelModule('elementwise (simd)', (m) => {
  for (const [op, e] of Object.entries(F32_BINARY)) emitBinary(m, op, e, false);
  for (const [op, e] of Object.entries(MASK_BINARY)) emitBinary(m, op, e, true);
  for (const [op, e] of Object.entries(F32_UNARY)) emitUnary(m, op, e, false);
  for (const [op, e] of Object.entries(F64_UNARY)) emitUnary(m, op, e, true);
  emitWhere(m);
});

/** The block buffers in the module's memory (allocated once per thread; rebuilt if the memory ever moved). */
interface Blocks {
  exports: KernelExports;
  xAddr: number;
  yAddr: number;
  oAddr: number;
  mAddr: number;
  x: Float32Array;
  y: Float32Array;
  o: Float32Array;
  o8: Uint8Array;
  m: Uint8Array;
}
let blocks: Blocks | null = null;

function blocksOf(): Blocks {
  // a view over a detached buffer (after memory.grow) has length 0
  if (blocks !== null && blocks.x.length === BLOCK) return blocks;
  const mod = elementwiseModule;
  mod.reset();
  const xAddr = mod.alloc(4 * BLOCK), yAddr = mod.alloc(4 * BLOCK), oAddr = mod.alloc(4 * BLOCK), mAddr = mod.alloc(BLOCK);
  const o = mod.f32(oAddr, BLOCK);
  blocks = {
    exports: mod.exports, xAddr, yAddr, oAddr, mAddr,
    x: mod.f32(xAddr, BLOCK), y: mod.f32(yAddr, BLOCK), o,
    o8: new Uint8Array(o.buffer, oAddr, BLOCK), m: new Uint8Array(o.buffer, mAddr, BLOCK),
  };
  return blocks;
}

/** Bytes of memory the element-wise module holds on this thread (fixed: the block buffers). */
export function elementwiseSimdMemoryBytes(): number {
  return elementwiseModule.memoryBytes;
}

function groupsOf(len: number): number {
  return Math.ceil(len / GROUP);
}

/**
 * out[oo + i] = op(a[ao + i*as], b[bo + i*bs]) for i < n on WebAssembly SIMD128 (as, bs are 1, or 0 for a scalar
 * operand). `op` must be in SIMD_BINARY_OPS; out is float32, or uint8 for a comparison.
 */
export function binaryWasm(
  op: string, a: Float32Array, ao: number, as: number, b: Float32Array, bo: number, bs: number, out: Float32Array | Uint8Array, oo: number, n: number,
): void {
  if (n <= 0) return;
  const k = blocksOf();
  const fn = k.exports[`bin_${op}`];
  if (fn === undefined) throw new Error(`elementwise (simd): no binary op ${op}`);
  const res = MASK_OPS.has(op) ? k.o8 : k.o;
  const first = Math.min(n, BLOCK);
  if (as === 0) k.x.fill(a[ao]!, 0, first);
  if (bs === 0) k.y.fill(b[bo]!, 0, first);
  for (let s = 0; s < n; s += BLOCK) {
    const len = Math.min(BLOCK, n - s);
    if (as !== 0) k.x.set(a.subarray(ao + s, ao + s + len));
    if (bs !== 0) k.y.set(b.subarray(bo + s, bo + s + len));
    fn(k.xAddr, k.yAddr, k.oAddr, groupsOf(len));
    out.set(len === BLOCK ? res : res.subarray(0, len), oo + s);
  }
}

const exactF32 = (v: number): boolean => Math.fround(v) === v || v !== v;

/** out[oo + i] = op(a[ao + i]; p, q) for i < n on WebAssembly SIMD128 (op in SIMD_UNARY_OPS; float32 in and out). */
export function unaryWasm(op: string, a: Float32Array, ao: number, out: Float32Array, oo: number, n: number, p: number, q: number): void {
  if (n <= 0) return;
  const k = blocksOf();
  const params = PARAMETERS[op] ?? 0;
  const narrow = op in F32_UNARY && (params === 0 || (exactF32(p) && (params === 1 || exactF32(q))));
  const fn = k.exports[`${narrow ? 'un' : 'un64'}_${op}`];
  if (fn === undefined) throw new Error(`elementwise (simd): no unary op ${op}`);
  for (let s = 0; s < n; s += BLOCK) {
    const len = Math.min(BLOCK, n - s);
    k.x.set(a.subarray(ao + s, ao + s + len));
    fn(k.xAddr, k.oAddr, groupsOf(len), p, q);
    out.set(len === BLOCK ? k.o : k.o.subarray(0, len), oo + s);
  }
}

/**
 * out[oo + i] = m[mo + i*ms] !== 0 ? a[ao + i*as] : b[bo + i*bs] for i < n on WebAssembly SIMD128 (strides 1, or 0
 * for a scalar operand; the mask uint8, a, b, out float32).
 */
export function whereWasm(
  m: Uint8Array, mo: number, ms: number, a: Float32Array, ao: number, as: number, b: Float32Array, bo: number, bs: number,
  out: Float32Array, oo: number, n: number,
): void {
  if (n <= 0) return;
  const k = blocksOf();
  const fn = k.exports.where!;
  const first = Math.min(n, BLOCK);
  if (ms === 0) k.m.fill(m[mo]!, 0, first);
  if (as === 0) k.x.fill(a[ao]!, 0, first);
  if (bs === 0) k.y.fill(b[bo]!, 0, first);
  for (let s = 0; s < n; s += BLOCK) {
    const len = Math.min(BLOCK, n - s);
    if (ms !== 0) k.m.set(m.subarray(mo + s, mo + s + len));
    if (as !== 0) k.x.set(a.subarray(ao + s, ao + s + len));
    if (bs !== 0) k.y.set(b.subarray(bo + s, bo + s + len));
    fn(k.mAddr, k.xAddr, k.yAddr, k.oAddr, groupsOf(len));
    out.set(len === BLOCK ? k.o : k.o.subarray(0, len), oo + s);
  }
}
