// The fused adder forward: Y[n, co, p] = -sum_k |x_pad[window(p) + tap k] - W[co, k]|, read straight from the
// zero-padded rows of one image with a 4 output channels x 4 positions register tile; nothing of size Cout x K x L
// exists. Kernel 'adder2d.forward' (js here, simd in simd/adder-forward-simd.ts) computes a range of rows.
import { NDArray, Storage, TensorError, allocate, registerKernel, type TypedArray } from '@adder/tensor';
import { adderGeometry, floatContiguous, type AdderGeometry } from './geometry';
import { padImageRows, paddedScratch, paddedSize, tapOffsets } from './padInput';
import { runAdderForward } from './chunked';
import { forwardRowsSimd } from './simd/adder-forward-simd';

/** Output channels per tile (rows) and output positions per tile (columns, along one output row). */
const CO_BLOCK = 4;
const POS_BLOCK = 4;

/** Packs W (Cout x K, row-major) in blocks of 4 channels: packed[(co >> 2) * K * 4 + k * 4 + (co & 3)], 0 past Cout. */
export function packWeightBlocks(w: TypedArray, cout: number, kSize: number, packed: TypedArray): void {
  const blockStride = kSize * CO_BLOCK;
  for (let co = 0; co < cout; co++) {
    const dst = (co >> 2) * blockStride + (co & 3);
    const src = co * kSize;
    for (let k = 0; k < kSize; k++) packed[dst + k * CO_BLOCK] = w[src + k]!;
  }
}

/**
 * The 4x4 tile: acc[r, c] = sum_k |xp[base + offs[k] + c*s] - wp[wOff + 4k + r]|, stored negated to y[yOff + r*P + c]
 * for r < rows (all 4 columns exist). `scratch` receives the tile when rows < 4.
 */
function forwardTile4x4(
  wp: TypedArray, wOff: number, xp: TypedArray, base: number, offs: Int32Array, kSize: number, s: number,
  y: TypedArray, yOff: number, pSize: number, rows: number,
): void {
  let a00 = 0, a01 = 0, a02 = 0, a03 = 0, a10 = 0, a11 = 0, a12 = 0, a13 = 0;
  let a20 = 0, a21 = 0, a22 = 0, a23 = 0, a30 = 0, a31 = 0, a32 = 0, a33 = 0;
  const s2 = 2 * s, s3 = 3 * s;
  let wo = wOff;
  for (let k = 0; k < kSize; k++, wo += 4) {
    const o = base + offs[k]!;
    const x0 = xp[o]!, x1 = xp[o + s]!, x2 = xp[o + s2]!, x3 = xp[o + s3]!;
    const w0 = wp[wo]!;
    a00 += Math.abs(x0 - w0); a01 += Math.abs(x1 - w0); a02 += Math.abs(x2 - w0); a03 += Math.abs(x3 - w0);
    const w1 = wp[wo + 1]!;
    a10 += Math.abs(x0 - w1); a11 += Math.abs(x1 - w1); a12 += Math.abs(x2 - w1); a13 += Math.abs(x3 - w1);
    const w2 = wp[wo + 2]!;
    a20 += Math.abs(x0 - w2); a21 += Math.abs(x1 - w2); a22 += Math.abs(x2 - w2); a23 += Math.abs(x3 - w2);
    const w3 = wp[wo + 3]!;
    a30 += Math.abs(x0 - w3); a31 += Math.abs(x1 - w3); a32 += Math.abs(x2 - w3); a33 += Math.abs(x3 - w3);
  }
  y[yOff] = -a00; y[yOff + 1] = -a01; y[yOff + 2] = -a02; y[yOff + 3] = -a03;
  if (rows < 2) return;
  let o = yOff + pSize;
  y[o] = -a10; y[o + 1] = -a11; y[o + 2] = -a12; y[o + 3] = -a13;
  if (rows < 3) return;
  o += pSize;
  y[o] = -a20; y[o + 1] = -a21; y[o + 2] = -a22; y[o + 3] = -a23;
  if (rows < 4) return;
  o += pSize;
  y[o] = -a30; y[o + 1] = -a31; y[o + 2] = -a32; y[o + 3] = -a33;
}

/** The 4x1 tile for positions left over at the end of an output row. */
function forwardTile4x1(
  wp: TypedArray, wOff: number, xp: TypedArray, base: number, offs: Int32Array, kSize: number,
  y: TypedArray, yOff: number, pSize: number, rows: number,
): void {
  let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
  let wo = wOff;
  for (let k = 0; k < kSize; k++, wo += 4) {
    const x0 = xp[base + offs[k]!]!;
    a0 += Math.abs(x0 - wp[wo]!); a1 += Math.abs(x0 - wp[wo + 1]!);
    a2 += Math.abs(x0 - wp[wo + 2]!); a3 += Math.abs(x0 - wp[wo + 3]!);
  }
  y[yOff] = -a0;
  if (rows > 1) y[yOff + pSize] = -a1;
  if (rows > 2) y[yOff + 2 * pSize] = -a2;
  if (rows > 3) y[yOff + 3 * pSize] = -a3;
}

/** All tiles of output rows [oh0, oh1) of image n of a zero-padded batch xp (rows outside the windows unread). */
export function forwardImage(wp: TypedArray, xp: TypedArray, offs: Int32Array, y: TypedArray, n: number, g: AdderGeometry, oh0 = 0, oh1 = g.ho): void {
  const { cin, cout, wo, kSize, pSize, stride } = g;
  const { hp, wp: padW } = paddedSize(g);
  const imageIn = n * cin * hp * padW;
  const imageOut = n * cout * pSize;
  const blockLen = kSize * CO_BLOCK;
  const fullEnd = wo - (wo % POS_BLOCK);
  for (let oh = oh0; oh < oh1; oh++) {
    const rowIn = imageIn + oh * stride * padW;
    const rowOut = imageOut + oh * wo;
    for (let ow = 0; ow < wo; ow += ow < fullEnd ? POS_BLOCK : 1) {
      const base = rowIn + ow * stride;
      for (let co0 = 0; co0 < cout; co0 += CO_BLOCK) {
        const rows = Math.min(CO_BLOCK, cout - co0);
        const wOff = (co0 / CO_BLOCK) * blockLen;
        const yOff = rowOut + co0 * pSize + ow;
        if (ow < fullEnd) forwardTile4x4(wp, wOff, xp, base, offs, kSize, stride, y, yOff, pSize, rows);
        else forwardTile4x1(wp, wOff, xp, base, offs, kSize, y, yOff, pSize, rows);
      }
    }
  }
}

/**
 * Kernel 'adder2d.forward': output rows [oh0, oh1) of image n, from the 4-channel packed weights (packWeightBlocks),
 * x itself (contiguous NCHW, unpadded) and the tap offsets (tapOffsets). js: forwardRowsJs; simd (float32):
 * forwardRowsSimd.
 */
export type AdderForwardRows = (wp: TypedArray, x: TypedArray, offs: Int32Array, y: TypedArray, n: number, g: AdderGeometry, oh0: number, oh1: number) => void;

/** The js kernel: pads the rows the windows read into this thread's scratch image, then runs forwardImage on it. */
export const forwardRowsJs: AdderForwardRows = (wp, x, offs, y, n, g, oh0, oh1) => {
  const { hp, wp: padW } = paddedSize(g);
  const xp = paddedScratch(x, g.cin * hp * padW);
  padImageRows(x, n, g, oh0 * g.stride, (oh1 - 1) * g.stride + g.kh, xp);
  const image = n * g.cout * g.pSize;
  forwardImage(wp, xp, offs, y.subarray(image, image + g.cout * g.pSize), 0, g, oh0, oh1);
};

registerKernel('adder2d.forward', 'js', forwardRowsJs);
registerKernel<AdderForwardRows>('adder2d.forward', 'simd', (wp, x, offs, y, n, g, oh0, oh1) => {
  if (wp instanceof Float32Array && x instanceof Float32Array && y instanceof Float32Array && g.kSize > 0) forwardRowsSimd(wp, x, offs, y, n, g, oh0, oh1);
  else forwardRowsJs(wp, x, offs, y, n, g, oh0, oh1); // float64 stays on js (f64x2 holds only two lanes)
});

/**
 * adder2d forward (AdderNet eq. 2, the reference's `adder.forward`): x (N,Cin,H,W), weight (Cout,Cin,kh,kw)
 * -> (N,Cout,Ho,Wo), Y = -sum |x_pad - w| over each window; zero-padded taps contribute |w|.
 * Extra memory: the packed weights, and one padded image per thread.
 */
export function adderForward(x: NDArray, weight: NDArray, stride = 1, padding = 0): NDArray {
  const op = 'adderForward';
  const g = adderGeometry(op, x.shape, weight.shape, stride, padding);
  const xc = floatContiguous(op, 'x', x);
  const wc = floatContiguous(op, 'weight', weight);
  if (xc.dtype !== wc.dtype) throw new TensorError(op, `x is ${xc.dtype} but weight is ${wc.dtype}; cast one of them`);
  const dtype = xc.dtype as 'float32' | 'float64';
  const wp = allocate(dtype, Math.ceil(g.cout / CO_BLOCK) * CO_BLOCK * g.kSize);
  packWeightBlocks(wc.data, g.cout, g.kSize, wp);
  const offs = tapOffsets(g);
  const out = Storage.alloc(dtype, g.n * g.cout * g.pSize);
  runAdderForward(wp, xc.data, offs, out.data, g); // kernel adder2d.forward over all rows, split on the worker pool
  return new NDArray(out, [g.n, g.cout, g.ho, g.wo]);
}
