// The zero-padded copy of the input that the adder kernels read windows from, and the offset of each tap.
import { allocate, type TypedArray } from '@adder/tensor';
import type { AdderGeometry } from './geometry';

/** Height and width of one padded plane. */
export function paddedSize(g: AdderGeometry): { hp: number; wp: number } {
  return { hp: g.h + 2 * g.padding, wp: g.w + 2 * g.padding };
}

/** A zero-padded copy of x (contiguous NCHW): shape (N, Cin, H + 2p, W + 2p). */
export function padImages(x: TypedArray, g: AdderGeometry, dtype: 'float32' | 'float64'): TypedArray {
  const { n, cin, h, w, padding } = g;
  const { hp, wp } = paddedSize(g);
  const out = allocate(dtype, n * cin * hp * wp);
  const planes = n * cin;
  for (let pl = 0; pl < planes; pl++) {
    let src = pl * h * w;
    let dst = (pl * hp + padding) * wp + padding;
    for (let r = 0; r < h; r++, src += w, dst += wp) {
      for (let c = 0; c < w; c++) out[dst + c] = x[src + c]!;
    }
  }
  return out;
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
