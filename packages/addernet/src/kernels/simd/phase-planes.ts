// Stride phase planes: a padded image split into s x s planes, plane (ci, a, b)[i, j] = x_pad[ci, i*s + a, j*s + b].
// Tap (ci, ki, kj) of output position (oh, ow) reads x_pad[ci, oh*s + ki, ow*s + kj], which is plane
// (ci, ki % s, kj % s) at row oh + floor(ki / s), column ow + floor(kj / s): consecutive output positions of a row
// read consecutive floats, whatever the stride (s = 1 is the padded image itself). The simd input gradient reads x
// and writes dx in this layout, the simd weight gradient reads x in it; both read G as rows of woPad floats.
import type { TypedArray } from '@adder/tensor';
import type { AdderGeometry } from '../geometry';
import { paddedSize } from '../padInput';

/** The sizes of the phase-plane layout of one image. */
export interface PhaseLayout {
  /** Rows and columns of one phase plane. */
  hph: number;
  wph: number;
  /** Floats of the whole image: Cin * s * s * hph * wph. */
  size: number;
  /** Output row length rounded up to a multiple of 4 (the positions a row of v128 covers), and its v128 count. */
  woPad: number;
  nvec: number;
}

/** The layout: planes wide enough for woPad positions plus the widest tap, high enough for every tap. */
export function phaseLayout(g: AdderGeometry): PhaseLayout {
  const s = g.stride;
  const { hp, wp } = paddedSize(g);
  const woPad = Math.ceil(g.wo / 4) * 4;
  const hph = Math.ceil(hp / s);
  const wph = Math.max(Math.ceil(wp / s), woPad + Math.floor((g.kw - 1) / s));
  return { hph, wph, size: g.cin * s * s * hph * wph, woPad, nvec: woPad / 4 };
}

/** Byte offset of tap k = (ci*kh + ki)*kw + kj from the position's address in the phase layout. */
export function phaseTapOffsets(g: AdderGeometry, l: PhaseLayout, out: Int32Array): void {
  const s = g.stride;
  let k = 0;
  for (let ci = 0; ci < g.cin; ci++) {
    for (let ki = 0; ki < g.kh; ki++) {
      for (let kj = 0; kj < g.kw; kj++) {
        const plane = (ci * s + (ki % s)) * s + (kj % s);
        out[k++] = (plane * l.hph * l.wph + Math.floor(ki / s) * l.wph + Math.floor(kj / s)) * 4;
      }
    }
  }
}

/**
 * Image n of x into the phase layout at byte address dst: its rows are copied as they are to the plain staging
 * area at byte address raw (Cin x H x W floats), then spread by the module's `phases` (layout-wasm.ts).
 */
export function packPhases(phases: (...args: number[]) => unknown, mem: Float32Array, x: TypedArray, n: number, g: AdderGeometry, l: PhaseLayout, raw: number, dst: number): void {
  const image = g.cin * g.h * g.w;
  mem.set(x.subarray(n * image, (n + 1) * image), raw / 4);
  phases(raw, dst, g.cin, g.h, g.w, g.padding, g.stride, l.hph, l.wph, 0, l.hph);
}

/**
 * Image n's output gradient (Cout x Ho x Wo) as coPad channels of Ho rows of woPad floats at float index `at` of
 * mem, zeros past Wo and past Cout (so those positions and channels contribute 0).
 */
export function packGradRows(grad: TypedArray, n: number, g: AdderGeometry, l: PhaseLayout, coPad: number, mem: Float32Array, at: number): void {
  const { cout, ho, wo, pSize } = g;
  const src = n * cout * pSize;
  if (l.woPad === wo) {
    mem.set(grad.subarray(src, src + cout * pSize), at);
  } else {
    for (let r = 0, s = src, d = at; r < cout * ho; r++, s += wo, d += l.woPad) {
      for (let c = 0; c < wo; c++) mem[d + c] = grad[s + c]!;
      for (let c = wo; c < l.woPad; c++) mem[d + c] = 0;
    }
  }
  mem.fill(0, at + cout * ho * l.woPad, at + coPad * ho * l.woPad);
}
