// The simd GEMM: C = alpha*A*B + beta*C for float32, with the loop nest and packing of the js GEMM
// (../gemm-kernel.ts, its oracle) and a WebAssembly SIMD128 macro-kernel over the packed panels.
//
// Register tile: MR = 4 rows x NR = 16 columns of C, held in 16 f32x4 accumulators acc[r][v] (v = 4 vectors of
// 4 columns). Each depth step p loads B[p, 0..15] as four vectors, splats A[r, p] for each row r, and adds
// A[r, p] * B[p, 4v..4v+3] to acc[r][v]: 64 multiply-adds per step, unrolled twice. (4x8, 6x8 and 4x12 tiles
// and 1, 4 or 8 unrolled steps measured 8-25% slower on the 2-core EPYC.) No FMA in SIMD128 (relaxed SIMD is behind a
// flag in Node 20), so each is f32x4.mul then f32x4.add, rounded twice as the js loop's float64 is not.
import { FunctionBuilder, type Local } from '../wasm/function-builder';
import type { ModuleBuilder } from '../wasm/module-builder';
import { ValType } from '../wasm/opcodes';
import { KernelModule } from '../wasm/runtime';
import type { FloatArray } from '../gemm-kernel';

export const MR = 4;
export const NR = 16;
const NV = NR / 4;
/** Depth steps per unrolled loop body. */
const UNROLL = 2;
/** Cache blocks (float32): a KC x NR strip of B is 16 KiB (L1), an MC x KC block of A 128 KiB (L2). */
export const KC = 256;
export const MC = 128;
const NC = 1024;

const { i32, v128 } = ValType;

/** Emits one depth step of the 4x16 tile at static byte offset `u` steps past the a and b pointers. */
function emitStep(f: FunctionBuilder, a: Local, b: Local, acc: Local[][], bv: Local[], av: Local, u: number): void {
  for (let v = 0; v < NV; v++) f.get(b).vmem('v128_load', (u * NR + 4 * v) * 4).set(bv[v]!);
  for (let r = 0; r < MR; r++) {
    f.get(a).vmem('v128_load32_splat', (u * MR + r) * 4).set(av);
    for (let v = 0; v < NV; v++) {
      f.get(acc[r]![v]!).get(av).get(bv[v]!).simd('f32x4_mul').simd('f32x4_add').set(acc[r]![v]!);
    }
  }
}

/**
 * block(kc, mc, nc, pa, pb, c, accumulate): for every 4x16 tile of an mc x nc block (mc a multiple of 4, nc of
 * 16), c[i, j] (+)= sum_p pa-strip(i)[p, i % 4] * pb-strip(j)[p, j % 16], row stride nc; accumulate = 0 overwrites.
 * pa holds mc/4 strips of kc x 4, pb holds nc/16 strips of kc x 16 (the js packing, with 16-wide B strips).
 */
export function emitGemmBlock(m: ModuleBuilder): void {
  const f = new FunctionBuilder('block', [['kc', i32], ['mc', i32], ['nc', i32], ['pa', i32], ['pb', i32], ['c', i32], ['accumulate', i32]]);
  const [kc, mc, nc, pa, pb, c, accumulate] = ['kc', 'mc', 'nc', 'pa', 'pb', 'c', 'accumulate'].map((n) => f.arg(n)) as [Local, Local, Local, Local, Local, Local, Local];
  const ir = f.local('ir', i32), jr = f.local('jr', i32);
  const a = f.local('a', i32), b = f.local('b', i32), bUnrolledEnd = f.local('bUnrolledEnd', i32), bEnd = f.local('bEnd', i32);
  const out = f.local('out', i32), row = f.local('row', i32), ldc = f.local('ldc', i32);
  const acc = Array.from({ length: MR }, (_, r) => Array.from({ length: NV }, (_, v) => f.local(`acc${r}${v}`, v128)));
  const bv = Array.from({ length: NV }, (_, v) => f.local(`b${v}`, v128));
  const av = f.local('av', v128);
  f.get(nc).i32(4).op('i32_mul').set(ldc);
  f.forRange(jr, () => f.i32(0), () => f.get(nc), NR, () => {
    f.forRange(ir, () => f.i32(0), () => f.get(mc), MR, () => {
      // a = pa + ir*kc*4 bytes; b = pb + jr*kc*4 bytes
      f.get(pa).get(ir).get(kc).op('i32_mul').i32(4).op('i32_mul').op('i32_add').set(a);
      f.get(pb).get(jr).get(kc).op('i32_mul').i32(4).op('i32_mul').op('i32_add').set(b);
      f.get(b).get(kc).i32(NR * 4).op('i32_mul').op('i32_add').set(bEnd);
      f.get(b).get(kc).i32(-UNROLL).op('i32_and').i32(NR * 4).op('i32_mul').op('i32_add').set(bUnrolledEnd);
      // out = c + ir*ldc + jr*4; the accumulators start from the tile there (accumulate) or from zero
      f.get(c).get(ir).get(ldc).op('i32_mul').op('i32_add').get(jr).i32(4).op('i32_mul').op('i32_add').set(out);
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
          for (let u = 0; u < UNROLL; u++) emitStep(f, a, b, acc, bv, av, u);
          f.get(a).i32(UNROLL * MR * 4).op('i32_add').set(a);
          f.get(b).i32(UNROLL * NR * 4).op('i32_add').tee(b).get(bUnrolledEnd).op('i32_lt_u').brIf(top);
        });
      });
      f.block((done) => {
        f.get(b).get(bEnd).op('i32_ge_u').brIf(done);
        f.loop((top) => {
          emitStep(f, a, b, acc, bv, av, 0);
          f.get(a).i32(MR * 4).op('i32_add').set(a);
          f.get(b).i32(NR * 4).op('i32_add').tee(b).get(bEnd).op('i32_lt_u').brIf(top);
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

const gemmModule = new KernelModule('gemm (simd)', emitGemmBlock);

/** Packs rows [i0, i0+mc) x depth [p0, p0+kc) of A into strips of MR rows (zero past the last row), as the js packA. */
export function packA(a: FloatArray, aOff: number, aRs: number, aCs: number, i0: number, mc: number, p0: number, kc: number, dst: Float32Array): void {
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
export function packB(b: FloatArray, bOff: number, bRs: number, bCs: number, p0: number, kc: number, j0: number, nc: number, dst: Float32Array): void {
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
export function panelWidth(k: number, n: number): number {
  const byMemory = Math.max(4 * NR, Math.floor((1 << 20) / Math.max(k, 1) / NR) * NR);
  return Math.min(NC, byMemory, roundUp(n, NR));
}

/**
 * The serial simd GEMM on float32 operands (strides as gemmStrided's). C was already scaled by beta; this adds
 * alpha * A * B. Loop order jc -> ic -> pc: each mc x nc block of C is summed over all of k inside the module
 * (the KC-deep blocks in order, each element one float32 sum), then added to C once. A split of C by rows or
 * columns does not change any element's sum.
 */
export function gemmAccumulateSimd(
  m: number, n: number, k: number, alpha: number,
  a: Float32Array, aOff: number, aRs: number, aCs: number,
  b: Float32Array, bOff: number, bRs: number, bCs: number,
  c: Float32Array, cOff: number, ldc: number,
): void {
  const ncMax = panelWidth(k, n);
  const kcMax = Math.min(KC, k);
  const mcMax = Math.min(MC, roundUp(m, MR));
  gemmModule.reset();
  const paAddr = gemmModule.alloc(mcMax * kcMax * 4);
  const pbAddr = gemmModule.alloc(k * ncMax * 4);
  const cAddr = gemmModule.alloc(mcMax * ncMax * 4);
  const block = gemmModule.exports.block!;
  const pa = gemmModule.f32(paAddr, mcMax * kcMax);
  const pb = gemmModule.f32(pbAddr, k * ncMax);
  const cb = gemmModule.f32(cAddr, mcMax * ncMax);
  for (let j0 = 0; j0 < n; j0 += ncMax) {
    const nc = Math.min(ncMax, n - j0);
    const ncPad = roundUp(nc, NR);
    // the panel's KC-deep blocks one after another: block p0 starts at float p0 * ncPad
    for (let p0 = 0; p0 < k; p0 += KC) packB(b, bOff, bRs, bCs, p0, Math.min(KC, k - p0), j0, nc, pb.subarray(p0 * ncPad));
    for (let i0 = 0; i0 < m; i0 += MC) {
      const mc = Math.min(MC, m - i0);
      for (let p0 = 0; p0 < k; p0 += KC) {
        const kc = Math.min(KC, k - p0);
        packA(a, aOff, aRs, aCs, i0, mc, p0, kc, pa);
        block(kc, roundUp(mc, MR), ncPad, paAddr, pbAddr + p0 * ncPad * 4, cAddr, p0 === 0 ? 0 : 1);
      }
      for (let i = 0; i < mc; i++) {
        const o = cOff + (i0 + i) * ldc + j0;
        const t = i * ncPad;
        if (alpha === 1) for (let j = 0; j < nc; j++) c[o + j] += cb[t + j]!;
        else for (let j = 0; j < nc; j++) c[o + j] += alpha * cb[t + j]!;
      }
    }
  }
}
