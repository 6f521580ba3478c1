// The zero-padded rows of one input image that the adder kernels read windows from, and the offset of each tap.
import { allocate, type TypedArray } from '@adder/tensor';
import type { AdderGeometry } from './geometry';

/** Height and width of one padded plane. */
export function paddedSize(g: AdderGeometry): { hp: number; wp: number } {
  return { hp: g.h + 2 * g.padding, wp: g.w + 2 * g.padding };
}

/**
 * Writes rows [r0, r1) (padded coordinates) of every plane of image n of x (contiguous NCHW) into dst, which holds
 * one zero-padded image (Cin, H + 2p, W + 2p): padded row r is x row r - p between p zeros on each side, or all
 * zeros in the padding. Rows outside [r0, r1) of dst are left as they are (the caller reads only these).
 */
export function padImageRows(x: TypedArray, n: number, g: AdderGeometry, r0: number, r1: number, dst: TypedArray): void {
  const { cin, h, w, padding } = g;
  const { hp, wp } = paddedSize(g);
  for (let ci = 0; ci < cin; ci++) {
    const plane = (n * cin + ci) * h * w;
    for (let r = r0; r < r1; r++) {
      const row = (ci * hp + r) * wp;
      const ih = r - padding;
      if (ih < 0 || ih >= h) {
        for (let c = 0; c < wp; c++) dst[row + c] = 0;
        continue;
      }
      const src = plane + ih * w;
      for (let c = 0; c < padding; c++) dst[row + c] = 0;
      for (let c = 0; c < w; c++) dst[row + padding + c] = x[src + c]!;
      for (let c = padding + w; c < wp; c++) dst[row + c] = 0;
    }
  }
}

/** A thread's scratch for one padded image of a dtype, kept between calls (fresh pages cost more than the copy). */
const scratch: { float32: Float32Array | null; float64: Float64Array | null } = { float32: null, float64: null };

/** This thread's padded-image scratch of at least `length` elements of x's dtype (contents unspecified). */
export function paddedScratch(x: TypedArray, length: number): Float32Array | Float64Array {
  if (x instanceof Float64Array) {
    if (scratch.float64 === null || scratch.float64.length < length) scratch.float64 = new Float64Array(length);
    return scratch.float64;
  }
  if (scratch.float32 === null || scratch.float32.length < length) scratch.float32 = new Float32Array(length);
  return scratch.float32;
}

/**
 * Offset, inside one padded image, of tap k = (ci*kh + i)*kw + j relative to the window's top-left corner:
 * ci*Hp*Wp + i*Wp + j. The window of output (oh, ow) starts at oh*s*Wp + ow*s.
 */
export function tapOffsets(g: AdderGeometry): Int32Array {
  const { hp, wp } = paddedSize(g);
  const offs = allocate('int32', g.kSize) as Int32Array;
  let k = 0;
  for (let ci = 0; ci < g.cin; ci++) {
    for (let i = 0; i < g.kh; i++) {
      for (let j = 0; j < g.kw; j++) offs[k++] = ci * hp * wp + i * wp + j;
    }
  }
  return offs;
}
