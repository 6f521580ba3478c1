// The simd GEMM: C = alpha*A*B + beta*C for float32 and float64, with the loop nest and packing of the js GEMM
// (../gemm-kernel.ts, its oracle) and a WebAssembly SIMD128 macro-kernel over the packed panels.
//
// Register tile, float32: MR = 4 rows x NR = 16 columns of C, held in 16 f32x4 accumulators acc[r][v] (v = 4
// vectors of 4 columns). Each depth step p loads B[p, 0..15] as four vectors, splats A[r, p] for each row r, and
// adds A[r, p] * B[p, 4v..4v+3] to acc[r][v]: 64 multiply-adds per step, unrolled twice. (4x8, 6x8 and 4x12 tiles
// and 1, 4 or 8 unrolled steps measured 8-25% slower on the 2-core EPYC.) No FMA in SIMD128 (relaxed SIMD is behind
// a flag in Node 20), so each is f32x4.mul then f32x4.add, rounded twice as the js loop's float64 is not.
// float64: the same 16 accumulators as f64x2, a 4 x 8 tile (8.3 GFLOP/s at 512^3 against 3.4 for js here); each
// term is rounded as in the js loop (JS has no FMA either), only the grouping of the depth blocks differs.
import { FunctionBuilder, type Local } from '../wasm/function-builder';
import type { ModuleBuilder } from '../wasm/module-builder';
import { ValType } from '../wasm/opcodes';
import { KernelModule } from '../wasm/runtime';
import type { FloatArray } from '../gemm-kernel';

export const MR = 4;
/** Columns of the float32 tile (16) and of the float64 tile (8). */
export const NR = 16;
export const NR64 = 8;

/** How one precision is laid out in v128 registers. */
interface Lanes {
  readonly bytes: 4 | 8;
  readonly nr: number;
  readonly mul: 'f32x4_mul' | 'f64x2_mul';
  readonly add: 'f32x4_add' | 'f64x2_add';
  readonly splat: 'v128_load32_splat' | 'v128_load64_splat';
  readonly name: string;
}
const F32: Lanes = { bytes: 4, nr: NR, mul: 'f32x4_mul', add: 'f32x4_add', splat: 'v128_load32_splat', name: 'block' };
const F64: Lanes = { bytes: 8, nr: NR64, mul: 'f64x2_mul', add: 'f64x2_add', splat: 'v128_load64_splat', name: 'block64' };
/** v128 accumulators per tile row: 4 either way. */
const NV = 4;
/** Depth steps per unrolled loop body. */
const UNROLL = 2;
/** Cache blocks (float32): a KC x NR strip of B is 16 KiB (L1), an MC x KC block of A 128 KiB (L2). */
export const KC = 256;
export const MC = 128;
const NC = 1024;

const { i32, v128 } = ValType;

/** Emits one depth step of the tile at static byte offset `u` steps past the a and b pointers. */
function emitStep(f: FunctionBuilder, t: Lanes, a: Local, b: Local, acc: Local[][], bv: Local[], av: Local, u: number): void {
  for (let v = 0; v < NV; v++) f.get(b).vmem('v128_load', u * t.nr * t.bytes + 16 * v).set(bv[v]!);
  for (let r = 0; r < MR; r++) {
    f.get(a).vmem(t.splat, (u * MR + r) * t.bytes).set(av);
    for (let v = 0; v < NV; v++) {
      f.get(acc[r]![v]!).get(av).get(bv[v]!).simd(t.mul).simd(t.add).set(acc[r]![v]!);
    }
  }
}

/**
 * block(kc, mc, nc, pa, pb, c, accumulate): for every 4x16 tile of an mc x nc block (mc a multiple of 4, nc of
 * 16), c[i, j] (+)= sum_p pa-strip(i)[p, i % 4] * pb-strip(j)[p, j % 16], row stride nc; accumulate = 0 overwrites.
 * pa holds mc/4 strips of kc x 4, pb holds nc/16 strips of kc x 16 (the js packing, with 16-wide B strips).
 */
export function emitGemmBlock(m: ModuleBuilder, t: Lanes = F32): void {
  const NR = t.nr, W = t.bytes;
  const f = new FunctionBuilder(t.name, [['kc', i32], ['mc', i32], ['nc', i32], ['pa', i32], ['pb', i32], ['c', i32], ['accumulate', i32]]);
  const [kc, mc, nc, pa, pb, c, accumulate] = ['kc', 'mc', 'nc', 'pa', 'pb', 'c', 'accumulate'].map((n) => f.arg(n)) as [Local, Local, Local, Local, Local, Local, Local];
  const ir = f.local('ir', i32), jr = f.local('jr', i32);
  const a = f.local('a', i32), b = f.local('b', i32), bUnrolledEnd = f.local('bUnrolledEnd', i32), bEnd = f.local('bEnd', i32);
  const out = f.local('out', i32), row = f.local('row', i32), ldc = f.local('ldc', i32);
  const acc = Array.from({ length: MR }, (_, r) => Array.from({ length: NV }, (_, v) => f.local(`acc${r}${v}`, v128)));
  const bv = Array.from({ length: NV }, (_, v) => f.local(`b${v}`, v128));
  const av = f.local('av', v128);
  f.get(nc).i32(W).op('i32_mul').set(ldc);
  f.forRange(jr, () => f.i32(0), () => f.get(nc), NR, () => {
    f.forRange(ir, () => f.i32(0), () => f.get(mc), MR, () => {
      // a = pa + ir*kc elements; b = pb + jr*kc elements
      f.get(pa).get(ir).get(kc).op('i32_mul').i32(W).op('i32_mul').op('i32_add').set(a);
      f.get(pb).get(jr).get(kc).op('i32_mul').i32(W).op('i32_mul').op('i32_add').set(b);
      f.get(b).get(kc).i32(NR * W).op('i32_mul').op('i32_add').set(bEnd);
      f.get(b).get(kc).i32(-UNROLL).op('i32_and').i32(NR * W).op('i32_mul').op('i32_add').set(bUnrolledEnd);
      // out = c + ir*ldc + jr*4; the accumulators start from the tile there (accumulate) or from zero
      f.get(c).get(ir).get(ldc).op('i32_mul').op('i32_add').get(jr).i32(W).op('i32_mul').op('i32_add').set(out);
      f.get(accumulate).ifElse(
        () => {
          f.get(out).set(row);
          for (let r = 0; r < MR; r++) {
            for (let v = 0; v < NV; v++) f.get(row).vmem('v128_load', 16 * v).set(acc[r]![v]!);
            f.get(row).get(ldc).op('i32_add').set(row);
          }
        },
        () => {
          for (const row of acc) for (const x of row) f.f32x4(0).set(x);
        },
      );
      f.block((done) => {
        f.get(b).get(bUnrolledEnd).op('i32_ge_u').brIf(done);
        f.loop((top) => {
          for (let u = 0; u < UNROLL; u++) emitStep(f, t, a, b, acc, bv, av, u);
          f.get(a).i32(UNROLL * MR * W).op('i32_add').set(a);
          f.get(b).i32(UNROLL * NR * W).op('i32_add').tee(b).get(bUnrolledEnd).op('i32_lt_u').brIf(top);
        });
      });
      f.block((done) => {
        f.get(b).get(bEnd).op('i32_ge_u').brIf(done);
        f.loop((top) => {
          emitStep(f, t, a, b, acc, bv, av, 0);
          f.get(a).i32(MR * W).op('i32_add').set(a);
          f.get(b).i32(NR * W).op('i32_add').tee(b).get(bEnd).op('i32_lt_u').brIf(top);
        });
      });
      for (let r = 0; r < MR; r++) {
        for (let v = 0; v < NV; v++) f.get(out).get(acc[r]![v]!).vmem('v128_store', 16 * v);
        f.get(out).get(ldc).op('i32_add').set(out);
      }
    });
  });
  m.addFunction(f);
}

const gemmModule = new KernelModule('gemm (simd)', (m) => {
  emitGemmBlock(m, F32);
  emitGemmBlock(m, F64);
});

/** Packs rows [i0, i0+mc) x depth [p0, p0+kc) of A into strips of MR rows (zero past the last row), as the js packA. */
export function packA(a: FloatArray, aOff: number, aRs: number, aCs: number, i0: number, mc: number, p0: number, kc: number, dst: FloatArray): void {
  let d = 0;
  for (let is = 0; is < mc; is += MR) {
    const rows = Math.min(MR, mc - is);
    let o = aOff + (i0 + is) * aRs + p0 * aCs;
    if (rows === MR) {
      const r1 = aRs, r2 = 2 * aRs, r3 = 3 * aRs;
      for (let p = 0; p < kc; p++, d += MR, o += aCs) {
        dst[d] = a[o]!;
        dst[d + 1] = a[o + r1]!;
        dst[d + 2] = a[o + r2]!;
        dst[d + 3] = a[o + r3]!;
      }
    } else {
      for (let p = 0; p < kc; p++, d += MR, o += aCs) {
        for (let r = 0; r < MR; r++) dst[d + r] = r < rows ? a[o + r * aRs]! : 0;
      }
    }
  }
}

/** Packs depth [p0, p0+kc) x columns [j0, j0+nc) of B into strips of NR columns (zero past the last column). */
export function packB(b: FloatArray, bOff: number, bRs: number, bCs: number, p0: number, kc: number, j0: number, nc: number, dst: FloatArray, NR = 16): void {
  let d = 0;
  for (let js = 0; js < nc; js += NR) {
    const cols = Math.min(NR, nc - js);
    let o = bOff + p0 * bRs + (j0 + js) * bCs;
    if (cols === NR && bCs === 1) {
      for (let p = 0; p < kc; p++, d += NR, o += bRs) {
        for (let c = 0; c < NR; c++) dst[d + c] = b[o + c]!;
      }
    } else {
      for (let p = 0; p < kc; p++, d += NR, o += bRs) {
        for (let c = 0; c < NR; c++) dst[d + c] = c < cols ? b[o + c * bCs]! : 0;
      }
    }
  }
}

export function roundUp(x: number, to: number): number {
  return Math.ceil(x / to) * to;
}

/** Columns per B panel: the whole k x nc panel is packed once and stays in L2/L3 (at most 4 MiB). */
export function panelWidth(k: number, n: number, NR = 16): number {
  const byMemory = Math.max(4 * NR, Math.floor((1 << 20) / Math.max(k, 1) / NR) * NR);
  return Math.min(NC, byMemory, roundUp(n, NR));
}

/**
 * The serial simd GEMM (strides as gemmStrided's; a, b and c all float32 or all float64). C was already scaled by
 * beta; this adds alpha * A * B. Loop order jc -> ic -> pc: each mc x nc block of C is summed over all of k inside
 * the module (the KC-deep blocks in order, each element one sum in its precision), then added to C once. A split
 * of C by rows or columns does not change any element's sum.
 */
export function gemmAccumulateSimd(
  m: number, n: number, k: number, alpha: number,
  a: FloatArray, aOff: number, aRs: number, aCs: number,
  b: FloatArray, bOff: number, bRs: number, bCs: number,
  c: FloatArray, cOff: number, ldc: number,
): void {
  const t = c instanceof Float64Array ? F64 : F32;
  const W = t.bytes, nr = t.nr;
  const ncMax = panelWidth(k, n, nr);
  const kcMax = Math.min(KC, k);
  const mcMax = Math.min(MC, roundUp(m, MR));
  gemmModule.reset();
  const paAddr = gemmModule.alloc(mcMax * kcMax * W);
  const pbAddr = gemmModule.alloc(k * ncMax * W);
  const cAddr = gemmModule.alloc(mcMax * ncMax * W);
  const block = gemmModule.exports[t.name]!;
  const view = (addr: number, len: number): FloatArray => (W === 8 ? gemmModule.f64(addr, len) : gemmModule.f32(addr, len));
  const pa = view(paAddr, mcMax * kcMax);
  const pb = view(pbAddr, k * ncMax);
  const cb = view(cAddr, mcMax * ncMax);
  for (let j0 = 0; j0 < n; j0 += ncMax) {
    const nc = Math.min(ncMax, n - j0);
    const ncPad = roundUp(nc, nr);
    // the panel's KC-deep blocks one after another: block p0 starts at element p0 * ncPad
    for (let p0 = 0; p0 < k; p0 += KC) packB(b, bOff, bRs, bCs, p0, Math.min(KC, k - p0), j0, nc, pb.subarray(p0 * ncPad), nr);
    for (let i0 = 0; i0 < m; i0 += MC) {
      const mc = Math.min(MC, m - i0);
      for (let p0 = 0; p0 < k; p0 += KC) {
        const kc = Math.min(KC, k - p0);
        packA(a, aOff, aRs, aCs, i0, mc, p0, kc, pa);
        block(kc, roundUp(mc, MR), ncPad, paAddr, pbAddr + p0 * ncPad * W, cAddr, p0 === 0 ? 0 : 1);
      }
      for (let i = 0; i < mc; i++) {
        const o = cOff + (i0 + i) * ldc + j0;
        const r = i * ncPad;
        if (alpha === 1) for (let j = 0; j < nc; j++) c[o + j] += cb[r + j]!;
        else for (let j = 0; j < nc; j++) c[o + j] += alpha * cb[r + j]!;
      }
    }
  }
}
