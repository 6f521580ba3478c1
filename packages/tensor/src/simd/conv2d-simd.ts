// The simd conv2d: forward, input gradient and weight gradient as implicit GEMMs inside one module. Each image
// is copied once into a zero-padded float32 plane; the im2col matrix is never stored (conv-pack-simd.ts packs
// it straight into the GEMM's strips), and the 4x16 GEMM block of gemm-simd.ts does the products.
// js oracle: conv2d / conv2dBackwardInput / conv2dBackwardWeight in ../conv2d.ts (im2col + js GEMM + col2im).
// Forward and input gradient split over images on the pool (images are independent); the weight gradient sums
// a fixed number of per-chunk partials in chunk order, so every backend result is the same for any thread count.
import type { WindowGeometry } from '../conv-geometry';
import { defineKernel, type KernelArgs } from '../parallel/kernel';
import { chunkCount, chunkRange, runChunks } from '#worker-pool';
import { geometryArgs, geometryOf } from '../parallel/window-args';
import { allocate } from '../storage';
import { KernelModule } from '../wasm/runtime';
import { emitConvPacking } from './conv-pack-simd';
import { KC, MC, MR, NR, emitGemmBlock, packA, packB, panelWidth, roundUp } from './gemm-simd';

const convModule = new KernelModule('conv2d (simd)', (m) => {
  emitGemmBlock(m);
  emitConvPacking(m);
});

/** Operations per chunk and the most weight-gradient partials (each is Cout x K floats). */
const CONV_GRAIN = 4_000_000;
const MAX_WEIGHT_CHUNKS = 16;
/** The padded plane of one image: rows hp = H + 2ph, columns wp = W + 2pw. */
function padded(g: WindowGeometry): { hp: number; wp: number; plane: number } {
  const hp = g.height + 2 * g.ph, wp = g.width + 2 * g.pw;
  return { hp, wp, plane: hp * wp };
}

/** Writes image x[xOff + c*sC + y*sH + x*sW] into the interior of pad (from float `at`); the border is left as is. */
function copyIntoPadded(x: Float32Array, xOff: number, sC: number, sH: number, sW: number, cin: number, g: WindowGeometry, pad: Float32Array, at: number): void {
  const { wp, plane } = padded(g);
  for (let c = 0; c < cin; c++) {
    for (let r = 0; r < g.height; r++) {
      const src = xOff + c * sC + r * sH;
      const dst = at + c * plane + (r + g.ph) * wp + g.pw;
      if (sW === 1) pad.set(x.subarray(src, src + g.width), dst);
      else for (let q = 0; q < g.width; q++) pad[dst + q] = x[src + q * sW]!;
    }
  }
}

/** Packs the m x k matrix a (strides aRs, aCs) whole: block (i0, p0) at float i0*k + p0*roundUp(mc, MR). */
function packWhole(a: Float32Array, aOff: number, aRs: number, aCs: number, m: number, k: number, dst: Float32Array): void {
  for (let i0 = 0; i0 < m; i0 += MC) {
    const mc = Math.min(MC, m - i0);
    for (let p0 = 0; p0 < k; p0 += KC) packA(a, aOff, aRs, aCs, i0, mc, p0, Math.min(KC, k - p0), dst.subarray(i0 * k + p0 * roundUp(mc, MR)));
  }
}

/** y[b] (+)= W * im2col(x[b]) for images [b0, b1); y is contiguous (N, Cout, L) from yOff. */
export function convForwardImages(args: KernelArgs, b0: number, b1: number): void {
  const g = geometryOf(args);
  const x = args.x as Float32Array, w = args.w as Float32Array, y = args.y as Float32Array;
  const cin = args.cin as number, cout = args.cout as number, accumulate = args.accumulate === 1;
  const { wp, plane } = padded(g);
  const k = cin * g.kh * g.kw, L = g.outH * g.outW;
  const ncMax = panelWidth(k, L);
  const mcMax = Math.min(MC, roundUp(cout, MR));
  convModule.reset();
  const padAt = convModule.alloc(cin * plane * 4);
  const paAt = convModule.alloc(roundUp(cout, MR) * k * 4);
  const pbAt = convModule.alloc(k * ncMax * 4);
  const cAt = convModule.alloc(mcMax * ncMax * 4);
  const { block, packPositions } = convModule.exports as Record<string, (...a: number[]) => void>;
  const pad = convModule.f32(padAt, cin * plane);
  const cb = convModule.f32(cAt, mcMax * ncMax);
  pad.fill(0);
  packWhole(w, args.wOff as number, k, 1, cout, k, convModule.f32(paAt, roundUp(cout, MR) * k));
  for (let b = b0; b < b1; b++) {
    copyIntoPadded(x, (args.xOff as number) + b * (args.sN as number), args.sC as number, args.sH as number, args.sW as number, cin, g, pad, 0);
    for (let j0 = 0; j0 < L; j0 += ncMax) {
      const nc = Math.min(ncMax, L - j0), ncPad = roundUp(nc, NR);
      packPositions!(padAt, wp, plane, cin, g.kh, g.kw, g.sh, g.sw, g.dh, g.dw, g.outW, j0, nc, ncPad, k, pbAt);
      for (let i0 = 0; i0 < cout; i0 += MC) {
        const mc = Math.min(MC, cout - i0), mcPad = roundUp(mc, MR);
        for (let p0 = 0; p0 < k; p0 += KC) block!(Math.min(KC, k - p0), mcPad, ncPad, paAt + (i0 * k + p0 * mcPad) * 4, pbAt + p0 * ncPad * 4, cAt, p0 === 0 ? 0 : 1);
        for (let i = 0; i < mc; i++) {
          const o = (args.yOff as number) + (b * cout + i0 + i) * L + j0, t = i * ncPad;
          if (accumulate) for (let j = 0; j < nc; j++) y[o + j] += cb[t + j]!;
          else y.set(cb.subarray(t, t + nc), o);
        }
      }
    }
  }
}

/** dx[b] = col2im(W^T * dy[b]) for images [b0, b1); dx is contiguous (N, Cin, H, W). */
export function convInputGradImages(args: KernelArgs, b0: number, b1: number): void {
  const g = geometryOf(args);
  const gy = args.g as Float32Array, w = args.w as Float32Array, dx = args.dx as Float32Array;
  const cin = args.cin as number, cout = args.cout as number;
  const { hp, wp, plane } = padded(g);
  const k = cin * g.kh * g.kw, L = g.outH * g.outW;
  const ncMax = panelWidth(cout, L);
  const mcMax = Math.min(MC, roundUp(k, MR));
  convModule.reset();
  const padAt = convModule.alloc(cin * plane * 4);
  const paAt = convModule.alloc(roundUp(k, MR) * cout * 4);
  const pbAt = convModule.alloc(cout * ncMax * 4);
  const cAt = convModule.alloc(mcMax * ncMax * 4);
  const tableAt = convModule.alloc(NR * 4);
  const { block, scatterPositions } = convModule.exports as Record<string, (...a: number[]) => void>;
  const pad = convModule.f32(padAt, cin * plane);
  const pb = convModule.f32(pbAt, cout * ncMax);
  // A = W^T, the (K, Cout) matrix with strides (1, K) over the contiguous weight
  packWhole(w, args.wOff as number, 1, k, k, cout, convModule.f32(paAt, roundUp(k, MR) * cout));
  const gRs = args.gRs as number, gCs = args.gCs as number;
  for (let b = b0; b < b1; b++) {
    pad.fill(0);
    const gOff = (args.gOff as number) + b * (args.gN as number);
    for (let j0 = 0; j0 < L; j0 += ncMax) {
      const nc = Math.min(ncMax, L - j0), ncPad = roundUp(nc, NR);
      for (let p0 = 0; p0 < cout; p0 += KC) packB(gy, gOff, gRs, gCs, p0, Math.min(KC, cout - p0), j0, nc, pb.subarray(p0 * ncPad));
      for (let i0 = 0; i0 < k; i0 += MC) {
        const mc = Math.min(MC, k - i0), mcPad = roundUp(mc, MR);
        for (let p0 = 0; p0 < cout; p0 += KC) block!(Math.min(KC, cout - p0), mcPad, ncPad, paAt + (i0 * cout + p0 * mcPad) * 4, pbAt + p0 * ncPad * 4, cAt, p0 === 0 ? 0 : 1);
        scatterPositions!(padAt, wp, plane, cin, g.kh, g.kw, g.sh, g.sw, g.dh, g.dw, g.outW, j0, nc, ncPad, i0, mc, cAt, tableAt);
      }
    }
    // the interior of the padded gradient is image b of dx
    for (let c = 0; c < cin; c++) {
      for (let r = 0; r < g.height; r++) {
        const src = c * plane + (r + g.ph) * wp + g.pw;
        dx.set(pad.subarray(src, src + g.width), ((b * cin + c) * g.height + r) * g.width);
      }
    }
  }
  void hp;
}

/** partial = sum over images [b0, b1) of dy[b] * im2col(x[b])^T, a (Cout, K) matrix at float `at` of partials. */
export function convWeightGradImages(args: KernelArgs, b0: number, b1: number, partials: Float32Array, at: number): void {
  const g = geometryOf(args);
  const x = args.x as Float32Array, gy = args.g as Float32Array;
  const cin = args.cin as number, cout = args.cout as number;
  const { wp, plane } = padded(g);
  const k = cin * g.kh * g.kw, L = g.outH * g.outW, images = b1 - b0;
  const ncMax = Math.min(roundUp(k, NR), 1024);
  const mcMax = Math.min(MC, roundUp(cout, MR));
  const kcMax = Math.min(KC, L);
  convModule.reset();
  const padAt = convModule.alloc(images * cin * plane * 4);
  const paAt = convModule.alloc(mcMax * kcMax * 4);
  const pbAt = convModule.alloc(kcMax * ncMax * 4);
  const cAt = convModule.alloc(mcMax * ncMax * 4);
  const { block, packTaps } = convModule.exports as Record<string, (...a: number[]) => void>;
  const pad = convModule.f32(padAt, images * cin * plane);
  const pa = convModule.f32(paAt, mcMax * kcMax);
  const cb = convModule.f32(cAt, mcMax * ncMax);
  pad.fill(0);
  for (let b = b0; b < b1; b++) {
    copyIntoPadded(x, (args.xOff as number) + b * (args.sN as number), args.sC as number, args.sH as number, args.sW as number, cin, g, pad, (b - b0) * cin * plane);
  }
  const gRs = args.gRs as number, gCs = args.gCs as number;
  for (let j0 = 0; j0 < k; j0 += ncMax) {
    const nc = Math.min(ncMax, k - j0), ncPad = roundUp(nc, NR);
    for (let i0 = 0; i0 < cout; i0 += MC) {
      const mc = Math.min(MC, cout - i0), mcPad = roundUp(mc, MR);
      for (let b = b0; b < b1; b++) {
        const gOff = (args.gOff as number) + b * (args.gN as number);
        for (let l0 = 0; l0 < L; l0 += KC) {
          const kc = Math.min(KC, L - l0);
          packA(gy, gOff, gRs, gCs, i0, mc, l0, kc, pa);
          packTaps!(padAt + (b - b0) * cin * plane * 4, wp, plane, g.kh, g.kw, g.sh, g.sw, g.dh, g.dw, g.outW, l0, kc, j0, ncPad, k, pbAt);
          block!(kc, mcPad, ncPad, paAt, pbAt, cAt, b === b0 && l0 === 0 ? 0 : 1);
        }
      }
      for (let i = 0; i < mc; i++) partials.set(cb.subarray(i * ncPad, i * ncPad + nc), at + (i0 + i) * k + j0);
    }
  }
}

export function convForwardChunk(args: KernelArgs, c: number): void {
  const [b0, b1] = chunkRange(args.n as number, args.chunks as number, c);
  convForwardImages(args, b0, b1);
}
const forwardKernel = defineKernel(import.meta.url, 'convForwardChunk', convForwardChunk);

export function convInputGradChunk(args: KernelArgs, c: number): void {
  const [b0, b1] = chunkRange(args.n as number, args.chunks as number, c);
  convInputGradImages(args, b0, b1);
}
const inputGradKernel = defineKernel(import.meta.url, 'convInputGradChunk', convInputGradChunk);

export function convWeightGradChunk(args: KernelArgs, c: number): void {
  const [b0, b1] = chunkRange(args.n as number, args.chunks as number, c);
  const size = (args.cout as number) * (args.cin as number) * (args.kh as number) * (args.kw as number);
  convWeightGradImages(args, b0, b1, args.partials as Float32Array, c * size);
}
const weightGradKernel = defineKernel(import.meta.url, 'convWeightGradChunk', convWeightGradChunk);

/** The operands of one simd conv2d call: the image tensor's data and strides, and the geometry. */
export interface ConvImages {
  n: number;
  cin: number;
  cout: number;
  g: WindowGeometry;
}

/** y (contiguous N x Cout x L, already holding the bias when accumulate) += conv2d(x, w). */
export function conv2dForwardSimd(
  s: ConvImages, x: Float32Array, xOff: number, sN: number, sC: number, sH: number, sW: number,
  w: Float32Array, wOff: number, y: Float32Array, accumulate: boolean,
): void {
  const work = s.n * s.cout * s.cin * s.g.kh * s.g.kw * s.g.outH * s.g.outW;
  const chunks = chunkCount(s.n, work / s.n, CONV_GRAIN);
  runChunks(forwardKernel, chunks, { ...geometryArgs(s.g), n: s.n, cin: s.cin, cout: s.cout, x, xOff, sN, sC, sH, sW, w, wOff, y, yOff: 0, accumulate: accumulate ? 1 : 0, chunks }, work);
}

/** dx (contiguous N x Cin x H x W) = conv2d's input gradient for gradOut g (strides gN, gRs over channels, gCs over positions). */
export function conv2dInputGradSimd(s: ConvImages, gy: Float32Array, gOff: number, gN: number, gRs: number, gCs: number, w: Float32Array, wOff: number, dx: Float32Array): void {
  const work = s.n * s.cout * s.cin * s.g.kh * s.g.kw * s.g.outH * s.g.outW;
  const chunks = chunkCount(s.n, work / s.n, CONV_GRAIN);
  runChunks(inputGradKernel, chunks, { ...geometryArgs(s.g), n: s.n, cin: s.cin, cout: s.cout, g: gy, gOff, gN, gRs, gCs, w, wOff, dx, chunks }, work);
}

/** dw (contiguous Cout x K) = sum over images of gradOut * im2col(x)^T, as MAX_WEIGHT_CHUNKS partials added in order. */
export function conv2dWeightGradSimd(
  s: ConvImages, gy: Float32Array, gOff: number, gN: number, gRs: number, gCs: number,
  x: Float32Array, xOff: number, sN: number, sC: number, sH: number, sW: number, dw: Float32Array,
): void {
  const size = s.cout * s.cin * s.g.kh * s.g.kw;
  const chunks = Math.min(MAX_WEIGHT_CHUNKS, s.n);
  const partials = allocate('float32', chunks * size) as Float32Array;
  const work = s.n * size * s.g.outH * s.g.outW;
  runChunks(weightGradKernel, chunks, { ...geometryArgs(s.g), n: s.n, cin: s.cin, cout: s.cout, g: gy, gOff, gN, gRs, gCs, x, xOff, sN, sC, sH, sW, partials, chunks }, work);
  for (let i = 0; i < size; i++) {
    let acc = 0;
    for (let c = 0; c < chunks; c++) acc += partials[c * size + i]!;
    dw[i] = acc;
  }
}
