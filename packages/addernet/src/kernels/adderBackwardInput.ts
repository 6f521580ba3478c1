// The fused adder input gradient: dX_col[k, p] = sum_co clamp(W[co, k] - X_col[k, p], -1, 1) * G[co, p] (HardTanh),
// computed per 4-position tile and scattered straight into a padded gradient image (col2im on the fly). Kernel
// 'adder2d.inputGrad' (js here, simd in simd/adder-input-grad-simd.ts) computes a range of images.
import { NDArray, Storage, allocate, registerKernel, type TypedArray } from '@adder/tensor';
import { adderBackwardOperands, type AdderGeometry } from './geometry';
import { padImageRows, paddedScratch, paddedSize, tapOffsets } from './padInput';
import { runAdderBackwardInput } from './chunked';
import { inputGradImagesSimd } from './simd/adder-input-grad-simd';

/** Output positions per tile. */
export const POS_BLOCK = 4;

/** W (Cout x K) transposed to (K x Cout), so the inner loop over output channels reads consecutive weights. */
function transposeWeight(w: TypedArray, cout: number, kSize: number, out: TypedArray): void {
  for (let co = 0; co < cout; co++) {
    for (let k = 0; k < kSize; k++) out[k * cout + co] = w[co * kSize + k]!;
  }
}

/**
 * One tile of `cols` (1..4) positions: for every tap k, dxp[base + offs[k] + c*s] += sum_co clamp(wt[k, co] - x_c, -1, 1) * gp[co, c],
 * where gp holds the tile's output gradients as gp[co * 4 + c].
 */
function backwardInputTile(
  wt: TypedArray, xp: TypedArray, dxp: TypedArray, xBase: number, dxBase: number, offs: Int32Array,
  kSize: number, cout: number, s: number, gp: TypedArray, cols: number,
): void {
  const s2 = 2 * s, s3 = 3 * s;
  for (let k = 0; k < kSize; k++) {
    const o = xBase + offs[k]!;
    const x0 = xp[o]!, x1 = cols > 1 ? xp[o + s]! : 0, x2 = cols > 2 ? xp[o + s2]! : 0, x3 = cols > 3 ? xp[o + s3]! : 0;
    // clamp(w - x, -1, 1) as min(1, max(-1, w - x)): +-1 for an infinite x or w, as torch's clamp (NaN stays NaN);
    // the abs form (|w - x + 1| - |w - x - 1|) / 2 would give inf - inf = NaN there.
    let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    let wi = k * cout;
    for (let gi = 0; gi < cout * 4; gi += 4, wi++) {
      const wv = wt[wi]!;
      a0 += Math.min(1, Math.max(-1, wv - x0)) * gp[gi]!;
      a1 += Math.min(1, Math.max(-1, wv - x1)) * gp[gi + 1]!;
      a2 += Math.min(1, Math.max(-1, wv - x2)) * gp[gi + 2]!;
      a3 += Math.min(1, Math.max(-1, wv - x3)) * gp[gi + 3]!;
    }
    const od = dxBase + offs[k]!;
    dxp[od] += a0;
    if (cols > 1) dxp[od + s] += a1;
    if (cols > 2) dxp[od + s2] += a2;
    if (cols > 3) dxp[od + s3] += a3;
  }
}

/** Accumulates image n's input gradient into dxp (one padded image, zeroed by the caller) from a padded batch xp. */
export function backwardInputImage(
  wt: TypedArray, xp: TypedArray, offs: Int32Array, g: TypedArray, gp: TypedArray, dxp: TypedArray, n: number, geo: AdderGeometry,
): void {
  const { cin, cout, ho, wo, kSize, pSize, stride } = geo;
  const { hp, wp } = paddedSize(geo);
  const imageIn = n * cin * hp * wp;
  const gImage = n * cout * pSize;
  for (let oh = 0; oh < ho; oh++) {
    for (let ow = 0; ow < wo; ow += POS_BLOCK) {
      const cols = Math.min(POS_BLOCK, wo - ow);
      const p = oh * wo + ow;
      for (let co = 0; co < cout; co++) {
        const src = gImage + co * pSize + p;
        for (let c = 0; c < POS_BLOCK; c++) gp[co * 4 + c] = c < cols ? g[src + c]! : 0;
      }
      const corner = oh * stride * wp + ow * stride;
      backwardInputTile(wt, xp, dxp, imageIn + corner, corner, offs, kSize, cout, stride, gp, cols);
    }
  }
}

/** Copies the interior of a padded gradient image into image n of dx (the padded positions are dropped). */
export function cropImage(dxp: TypedArray, dx: TypedArray, n: number, geo: AdderGeometry): void {
  const { cin, h, w, padding } = geo;
  const { hp, wp } = paddedSize(geo);
  for (let ci = 0; ci < cin; ci++) {
    let src = (ci * hp + padding) * wp + padding;
    let dst = (n * cin + ci) * h * w;
    for (let r = 0; r < h; r++, src += wp, dst += w) {
      for (let c = 0; c < w; c++) dx[dst + c] = dxp[src + c]!;
    }
  }
}

/**
 * Kernel 'adder2d.inputGrad': images [n0, n1) of dx from the transposed weights wt (K x Cout), x itself (contiguous
 * NCHW, unpadded), the tap offsets (tapOffsets) and gradOut. js: inputGradImagesJs; simd (float32): inputGradImagesSimd.
 */
export type AdderInputGradImages = (wt: TypedArray, x: TypedArray, offs: Int32Array, grad: TypedArray, dx: TypedArray, g: AdderGeometry, n0: number, n1: number) => void;

/** A thread's float64 scratch (the padded image gradient, then the tile's output gradients), kept between calls. */
let dxScratch = new Float64Array(0);
let gp = new Float64Array(0);

/**
 * The js kernel: per image, pads x into this thread's scratch image, accumulates the padded image gradient in
 * float64 whatever the dtype (many windows add into one pixel) with backwardInputImage, and crops it into dx.
 */
export const inputGradImagesJs: AdderInputGradImages = (wt, x, offs, grad, dx, g, n0, n1) => {
  const { hp, wp } = paddedSize(g);
  const size = g.cin * hp * wp;
  if (dxScratch.length < size) dxScratch = new Float64Array(size);
  if (gp.length < g.cout * POS_BLOCK) gp = new Float64Array(g.cout * POS_BLOCK);
  const dxp = dxScratch.subarray(0, size);
  const xp = paddedScratch(x, size);
  const gSize = g.cout * g.pSize;
  for (let n = n0; n < n1; n++) {
    padImageRows(x, n, g, 0, hp, xp);
    dxp.fill(0);
    backwardInputImage(wt, xp, offs, grad.subarray(n * gSize, (n + 1) * gSize), gp, dxp, 0, g);
    cropImage(dxp, dx, n, g);
  }
};

registerKernel('adder2d.inputGrad', 'js', inputGradImagesJs);
registerKernel<AdderInputGradImages>('adder2d.inputGrad', 'simd', (wt, x, offs, grad, dx, g, n0, n1) => {
  if (wt instanceof Float32Array && x instanceof Float32Array && grad instanceof Float32Array && dx instanceof Float32Array && g.kSize > 0) {
    inputGradImagesSimd(wt, x, grad, dx, g, n0, n1);
  } else {
    inputGradImagesJs(wt, x, offs, grad, dx, g, n0, n1); // float64 stays on js (f64x2 holds only two lanes)
  }
});

/**
 * adder2d input gradient (the reference's `grad_X_col`, folded): gradX[n, ci, y, x] = sum over the windows that
 * cover the pixel of sum_co clamp(W - X, -1, 1) * G. This is the HardTanh surrogate, not the true sign(W - X).
 */
export function adderBackwardInput(x: NDArray, weight: NDArray, gradOut: NDArray, stride = 1, padding = 0): NDArray {
  const op = 'adderBackwardInput';
  const { geo, xc, wc, gc } = adderBackwardOperands(op, x, weight, gradOut, stride, padding);
  const dtype = xc.dtype as 'float32' | 'float64';
  const wt = allocate(dtype, geo.cout * geo.kSize);
  transposeWeight(wc.data, geo.cout, geo.kSize, wt);
  const offs = tapOffsets(geo);
  const out = Storage.alloc(dtype, xc.size);
  runAdderBackwardInput(wt, xc.data, offs, gc.data, out.data, geo); // kernel adder2d.inputGrad per image, on the worker pool
  return new NDArray(out, xc.shape);
}
