// The im2col / col2im loops over one (C, H, W) image: the inner kernels of unfold, fold and conv2d.
// Registered kernels 'im2col' and 'col2im': 'js' is the loop here (the oracle), 'simd' the WebAssembly SIMD128
// twin in ./simd/im2col-simd.ts for float32 (bit-identical: a copy, and the same float32 adds in the same
// order); float64, column strides above 2 and channels over 1 MiB of columns or of image fall back to js.
import { getKernel, registerKernel } from './backend/registry';
import type { TypedArray } from './dtype';
import type { WindowGeometry } from './conv-geometry';
import { col2imImageAddSimd, im2colImageSimd, im2colSimdApplies } from './simd/im2col-simd';

/** Kernel 'im2col': the columns of one image (see im2colImageJs). */
export type Im2colKernel = (
  x: TypedArray, xOff: number, sC: number, sH: number, sW: number, channels: number,
  g: WindowGeometry, cols: TypedArray, colsOff: number,
) => void;

/** Kernel 'col2im': the adjoint, summed into one image (see col2imImageAddJs). */
export type Col2imKernel = (
  cols: TypedArray, colsOff: number, rowStride: number, colStride: number, channels: number,
  g: WindowGeometry, out: TypedArray, outOff: number,
) => void;

/** First output column whose tap (ow*stride + shift) lies at or after `bound` (clamped to [0, outW]). */
function firstAtOrAfter(bound: number, shift: number, stride: number, outW: number): number {
  const v = Math.ceil((bound - shift) / stride);
  return v < 0 ? 0 : v > outW ? outW : v;
}

/**
 * cols[colsOff + r*L + l] = x[c, oh*sh - ph + i*dh, ow*sw - pw + j*dw] for r = (c*kh + i)*kw + j and
 * l = oh*outW + ow (0 where the tap falls in the padding). The image is read through strides (sC, sH, sW).
 */
export const im2colImageJs: Im2colKernel = (x, xOff, sC, sH, sW, channels, g, cols, colsOff) => {
  const { kh, kw, sh, sw, ph, pw, dh, dw, height, width, outH, outW } = g;
  const L = outH * outW;
  let row = colsOff;
  for (let c = 0; c < channels; c++) {
    const xc = xOff + c * sC;
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const shift = j * dw - pw;
        // valid output columns [lo, hi): 0 <= ow*sw + shift < width
        const lo = firstAtOrAfter(0, shift, sw, outW);
        const hi = Math.max(lo, firstAtOrAfter(width, shift, sw, outW));
        for (let oh = 0; oh < outH; oh++) {
          const d = row + oh * outW;
          const h = oh * sh - ph + i * dh;
          if (h < 0 || h >= height) {
            for (let ow = 0; ow < outW; ow++) cols[d + ow] = 0;
            continue;
          }
          for (let ow = 0; ow < lo; ow++) cols[d + ow] = 0;
          let src = xc + h * sH + (lo * sw + shift) * sW;
          const step = sw * sW;
          for (let ow = lo; ow < hi; ow++) {
            cols[d + ow] = x[src]!;
            src += step;
          }
          for (let ow = hi; ow < outW; ow++) cols[d + ow] = 0;
        }
        row += L;
      }
    }
  }
};

/**
 * The adjoint of im2colImage: out[c, h, w] += cols[r, l] for every (r, l) whose tap is (c, h, w); taps in the
 * padding are dropped. cols element (r, l) is at colsOff + r*rowStride + l*colStride; out is contiguous (C, H, W).
 */
export const col2imImageAddJs: Col2imKernel = (cols, colsOff, rowStride, colStride, channels, g, out, outOff) => {
  const { kh, kw, sh, sw, ph, pw, dh, dw, height, width, outH, outW } = g;
  let row = colsOff;
  for (let c = 0; c < channels; c++) {
    const oc = outOff + c * height * width;
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const shift = j * dw - pw;
        const lo = firstAtOrAfter(0, shift, sw, outW);
        const hi = Math.max(lo, firstAtOrAfter(width, shift, sw, outW));
        for (let oh = 0; oh < outH; oh++) {
          const h = oh * sh - ph + i * dh;
          if (h < 0 || h >= height) continue;
          let src = row + (oh * outW + lo) * colStride;
          let dst = oc + h * width + lo * sw + shift;
          for (let ow = lo; ow < hi; ow++) {
            out[dst] = out[dst]! + cols[src]!;
            src += colStride;
            dst += sw;
          }
        }
        row += rowStride;
      }
    }
  }
};

registerKernel<Im2colKernel>('im2col', 'js', im2colImageJs);
registerKernel<Im2colKernel>('im2col', 'simd', (x, xOff, sC, sH, sW, channels, g, cols, colsOff) => {
  if (x instanceof Float32Array && cols instanceof Float32Array && im2colSimdApplies(g)) im2colImageSimd(x, xOff, sC, sH, sW, channels, g, cols, colsOff);
  else im2colImageJs(x, xOff, sC, sH, sW, channels, g, cols, colsOff);
});
registerKernel<Col2imKernel>('col2im', 'js', col2imImageAddJs);
registerKernel<Col2imKernel>('col2im', 'simd', (cols, colsOff, rowStride, colStride, channels, g, out, outOff) => {
  if (cols instanceof Float32Array && out instanceof Float32Array && im2colSimdApplies(g)) col2imImageAddSimd(cols, colsOff, rowStride, colStride, channels, g, out, outOff);
  else col2imImageAddJs(cols, colsOff, rowStride, colStride, channels, g, out, outOff);
});

/** im2col of one image on the active backend (kernel 'im2col'; one lookup per image). */
export function im2colImage(
  x: TypedArray, xOff: number, sC: number, sH: number, sW: number, channels: number,
  g: WindowGeometry, cols: TypedArray, colsOff: number,
): void {
  getKernel<Im2colKernel>('im2col')(x, xOff, sC, sH, sW, channels, g, cols, colsOff);
}

/** col2im of one image, summed into out, on the active backend (kernel 'col2im'; one lookup per image). */
export function col2imImageAdd(
  cols: TypedArray, colsOff: number, rowStride: number, colStride: number, channels: number,
  g: WindowGeometry, out: TypedArray, outOff: number,
): void {
  getKernel<Col2imKernel>('col2im')(cols, colsOff, rowStride, colStride, channels, g, out, outOff);
}
