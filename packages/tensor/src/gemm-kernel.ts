// The GEMM engine: C = alpha*A*B + beta*C over strided operands, cache-blocked (GotoBLAS loop order),
// packed into Float64 panels and computed by a 4x4 register-blocked micro-kernel.
import { getKernel, registerKernel } from './backend/registry';
import { parallelGemm } from './parallel/gemm-chunks';
import { gemmAccumulateSimd } from './simd/gemm-simd';

/** A float buffer the GEMM kernel reads or writes. */
export type FloatArray = Float32Array | Float64Array;

/** Micro-tile rows (MR) and columns (NR). */
const MR = 4;
const NR = 4;
/** Cache blocks: KC x NR panels of B stay in L1, MC x KC blocks of A in L2, KC x NC panels of B in L3. */
const KC = 256;
const MC = 64;
const NC = 2048;

// Packing scratch, reused across calls (JS is single-threaded within a worker and gemm never re-enters).
let packedA = new Float64Array(MC * KC);
let packedB = new Float64Array(KC * NC);
const tile = new Float64Array(MR * NR);

/**
 * Packs rows [i0, i0+mc) x depth [p0, p0+kc) of A into strips of MR rows: strip s holds, for each p,
 * the MR values A[i0+s*MR+r, p0+p] (zero past the last row). Strides make transposed A free.
 */
function packA(a: FloatArray, aOff: number, aRs: number, aCs: number, i0: number, mc: number, p0: number, kc: number, dst: Float64Array): void {
  let d = 0;
  for (let is = 0; is < mc; is += MR) {
    const rows = Math.min(MR, mc - is);
    let o0 = aOff + (i0 + is) * aRs + p0 * aCs;
    if (rows === MR) {
      let o1 = o0 + aRs;
      let o2 = o1 + aRs;
      let o3 = o2 + aRs;
      for (let p = 0; p < kc; p++) {
        dst[d] = a[o0]!;
        dst[d + 1] = a[o1]!;
        dst[d + 2] = a[o2]!;
        dst[d + 3] = a[o3]!;
        d += MR;
        o0 += aCs;
        o1 += aCs;
        o2 += aCs;
        o3 += aCs;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let r = 0; r < MR; r++) dst[d + r] = r < rows ? a[o0 + r * aRs]! : 0;
        d += MR;
        o0 += aCs;
      }
    }
  }
}

/** Packs depth [p0, p0+kc) x columns [j0, j0+nc) of B into strips of NR columns (zero past the last column). */
function packB(b: FloatArray, bOff: number, bRs: number, bCs: number, p0: number, kc: number, j0: number, nc: number, dst: Float64Array): void {
  let d = 0;
  for (let js = 0; js < nc; js += NR) {
    const cols = Math.min(NR, nc - js);
    let o = bOff + p0 * bRs + (j0 + js) * bCs;
    if (cols === NR) {
      const c1 = bCs;
      const c2 = 2 * bCs;
      const c3 = 3 * bCs;
      for (let p = 0; p < kc; p++) {
        dst[d] = b[o]!;
        dst[d + 1] = b[o + c1]!;
        dst[d + 2] = b[o + c2]!;
        dst[d + 3] = b[o + c3]!;
        d += NR;
        o += bRs;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let c = 0; c < NR; c++) dst[d + c] = c < cols ? b[o + c * bCs]! : 0;
        d += NR;
        o += bRs;
      }
    }
  }
}

/** tile = sum_p Apanel[:, p] (outer) Bpanel[p, :], a 4x4 block held in 16 local accumulators. */
function microKernel4x4(kc: number, pa: Float64Array, ai: number, pb: Float64Array, bi: number, out: Float64Array): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (let p = 0; p < kc; p++) {
    const a0 = pa[ai]!, a1 = pa[ai + 1]!, a2 = pa[ai + 2]!, a3 = pa[ai + 3]!;
    const b0 = pb[bi]!, b1 = pb[bi + 1]!, b2 = pb[bi + 2]!, b3 = pb[bi + 3]!;
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
    ai += MR;
    bi += NR;
  }
  out[0] = c00; out[1] = c01; out[2] = c02; out[3] = c03;
  out[4] = c10; out[5] = c11; out[6] = c12; out[7] = c13;
  out[8] = c20; out[9] = c21; out[10] = c22; out[11] = c23;
  out[12] = c30; out[13] = c31; out[14] = c32; out[15] = c33;
}

/** C[rows x cols block at cOff] += alpha * tile. */
function addTile(c: FloatArray, cOff: number, ldc: number, rows: number, cols: number, alpha: number, t: Float64Array): void {
  if (rows === MR && cols === NR) {
    for (let r = 0; r < MR; r++) {
      const o = cOff + r * ldc;
      const tr = r * NR;
      c[o] = c[o]! + alpha * t[tr]!;
      c[o + 1] = c[o + 1]! + alpha * t[tr + 1]!;
      c[o + 2] = c[o + 2]! + alpha * t[tr + 2]!;
      c[o + 3] = c[o + 3]! + alpha * t[tr + 3]!;
    }
    return;
  }
  for (let r = 0; r < rows; r++) {
    const o = cOff + r * ldc;
    for (let j = 0; j < cols; j++) c[o + j] = c[o + j]! + alpha * t[r * NR + j]!;
  }
}

/** C = beta * C on an m x n block with row stride ldc (beta = 0 overwrites, so NaNs in C do not survive). */
function scaleC(c: FloatArray, cOff: number, ldc: number, m: number, n: number, beta: number): void {
  if (beta === 1) return;
  for (let i = 0; i < m; i++) {
    const o = cOff + i * ldc;
    if (beta === 0) c.fill(0, o, o + n);
    else for (let j = 0; j < n; j++) c[o + j] = beta * c[o + j]!;
  }
}

/**
 * C[m x n] = alpha * A[m x k] * B[k x n] + beta * C, where element (i, p) of A is a[aOff + i*aRs + p*aCs],
 * element (p, j) of B is b[bOff + p*bRs + j*bCs], and element (i, j) of C is c[cOff + i*ldc + j].
 * Loop order jc -> pc -> ic -> jr -> ir as in Goto & van de Geijn, "Anatomy of high-performance GEMM" (2008).
 */
export function gemmStrided(
  m: number, n: number, k: number, alpha: number,
  a: FloatArray, aOff: number, aRs: number, aCs: number,
  b: FloatArray, bOff: number, bRs: number, bCs: number,
  beta: number, c: FloatArray, cOff: number, ldc: number,
): void {
  if (m === 0 || n === 0) return;
  if (parallelGemm(m, n, k, alpha, a, aOff, aRs, aCs, b, bOff, bRs, bCs, beta, c, cOff, ldc)) return; // split on the worker pool
  scaleC(c, cOff, ldc, m, n, beta);
  if (k === 0 || alpha === 0) return;
  getKernel<GemmAccumulate>('gemm')(m, n, k, alpha, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, ldc);
}

/** C += alpha * A * B on strided operands (C already scaled by beta): the serial core that the backends implement. */
export type GemmAccumulate = (
  m: number, n: number, k: number, alpha: number,
  a: FloatArray, aOff: number, aRs: number, aCs: number,
  b: FloatArray, bOff: number, bRs: number, bCs: number,
  c: FloatArray, cOff: number, ldc: number,
) => void;

/** The js GEMM core: Float64 panels and the 4x4 micro-kernel (the oracle of the simd one). */
export const gemmAccumulateJs: GemmAccumulate = (m, n, k, alpha, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, ldc) => {
  const ncMax = Math.min(NC, roundUp(n, NR));
  const kcMax = Math.min(KC, k);
  if (packedB.length < kcMax * ncMax) packedB = new Float64Array(kcMax * ncMax);
  if (packedA.length < kcMax * Math.min(MC, roundUp(m, MR))) packedA = new Float64Array(kcMax * MC);
  const pa = packedA;
  const pb = packedB;
  for (let j0 = 0; j0 < n; j0 += NC) {
    const nc = Math.min(NC, n - j0);
    for (let p0 = 0; p0 < k; p0 += KC) {
      const kc = Math.min(KC, k - p0);
      packB(b, bOff, bRs, bCs, p0, kc, j0, nc, pb);
      for (let i0 = 0; i0 < m; i0 += MC) {
        const mc = Math.min(MC, m - i0);
        packA(a, aOff, aRs, aCs, i0, mc, p0, kc, pa);
        for (let jr = 0; jr < nc; jr += NR) {
          const cols = Math.min(NR, nc - jr);
          const bi = jr * kc;
          const cCol = cOff + (j0 + jr);
          for (let ir = 0; ir < mc; ir += MR) {
            microKernel4x4(kc, pa, ir * kc, pb, bi, tile);
            addTile(c, cCol + (i0 + ir) * ldc, ldc, Math.min(MR, mc - ir), cols, alpha, tile);
          }
        }
      }
    }
  }
};

registerKernel('gemm', 'js', gemmAccumulateJs);
registerKernel('gemm', 'simd', gemmAccumulateSimd); // f32x4 for float32, f64x2 for float64

function roundUp(x: number, to: number): number {
  return Math.ceil(x / to) * to;
}
