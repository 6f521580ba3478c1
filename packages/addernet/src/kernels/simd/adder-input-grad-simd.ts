// The simd adder input gradient (kernel 'adder2d.inputGrad', backend simd, float32): images [n0, n1) of
// dX = sum over the windows covering a pixel of sum_co clamp(W[co, k] - X, -1, 1) * G[co, p] (HardTanh), on the
// 2 taps x 2 v128 of positions tile of input-grad-wasm.ts over the phase planes of phase-planes.ts. Its js oracle
// is backwardInputImage (via inputGradImagesJs) in ../adderBackwardInput.ts, which sums in float64 and rounds once.
// Here every term fl(fl(w - x) clamped * g) is rounded to float32 and each pixel's m <= Cout * kh * kw terms are
// summed in float32 (over co per tap, then over the taps into dx), so |simd - js| <= (m + 2) * 2^-24 * S with
// S = sum of |clamp(w - x) * g| over the pixel's terms (the bound of any summation order), plus js's final rounding.
//
// Per image the module memory holds W as [co][k] (re-packed from the js [k][co] only when the call's array differs
// from the previous call's on this thread: adderBackwardInput transposes a fresh one per call, read-only while the
// job runs), the phase-layout tap offsets, a plain staging image (x in, dx out, copied with TypedArray.set and
// converted by layout-wasm.ts), x and dx in the phase layout, and G as [co][oh][woPad] with zero columns
// past Wo (those positions add clamp(...) * 0 = 0 to dx). Calls the 2x2 tile on the bulk and the narrower tiles on
// the taps (K mod 2) and position vectors (ceil(Wo / 4) mod 2) left over.
import { wasm, type TypedArray } from '@adder/tensor';
import type { AdderGeometry } from '../geometry';
import { buildInputGradModule, GRAD_KT, GRAD_PV, gradTileName } from './input-grad-wasm';
import { packGradRows, packPhases, phaseLayout, phaseTapOffsets } from './phase-planes';

const gradModule = new wasm.KernelModule('adder2d.inputGrad (simd)', buildInputGradModule);

/** The arrays whose re-packing sits at the start of this thread's module memory. */
let packedFrom: { wt: TypedArray; cout: number; kSize: number; key: string } | null = null;

/** The simd twin of inputGradImagesJs (float32 operands; the caller keeps float64 on js). */
export function inputGradImagesSimd(wt: Float32Array, x: Float32Array, grad: Float32Array, dx: Float32Array, g: AdderGeometry, n0: number, n1: number): void {
  const { cout, kSize, ho } = g;
  const l = phaseLayout(g);
  const m = gradModule;
  m.reset();
  const wAddr = m.alloc(cout * kSize * 4);
  const offAddr = m.alloc(kSize * 4);
  const image = g.cin * g.h * g.w;
  const rawAddr = m.alloc(image * 4);
  const xAddr = m.alloc(l.size * 4);
  const dxAddr = m.alloc(l.size * 4);
  const gFloats = cout * ho * l.woPad;
  const gAddr = m.alloc(gFloats * 4);
  const key = `${g.cin},${g.h},${g.w},${g.kh},${g.kw},${g.stride},${g.padding}`;
  if (packedFrom === null || packedFrom.wt !== wt || packedFrom.cout !== cout || packedFrom.kSize !== kSize || packedFrom.key !== key) {
    const w = m.f32(wAddr, cout * kSize);
    for (let k = 0; k < kSize; k++) for (let co = 0; co < cout; co++) w[co * kSize + k] = wt[k * cout + co]!;
    phaseTapOffsets(g, l, m.i32(offAddr, kSize));
    packedFrom = { wt, cout, kSize, key };
  }
  const kMain = kSize - (kSize % GRAD_KT), vMain = l.nvec - (l.nvec % GRAD_PV);
  const parts: Array<[number, number, number, number, number, number]> = [
    [GRAD_KT, GRAD_PV, 0, kMain, 0, vMain],
    [kSize - kMain, GRAD_PV, kMain, kSize, 0, vMain],
    [GRAD_KT, l.nvec - vMain, 0, kMain, vMain, l.nvec],
    [kSize - kMain, l.nvec - vMain, kMain, kSize, vMain, l.nvec],
  ];
  const xRowBytes = l.wph * 4, gRowBytes = l.woPad * 4, gChanBytes = ho * gRowBytes;
  const mem = m.f32(0, gAddr / 4 + gFloats);
  const phases = m.exports.phases!, unphases = m.exports.unphases!;
  for (let n = n0; n < n1; n++) {
    packPhases(phases, mem, x, n, g, l, rawAddr, xAddr);
    mem.fill(0, dxAddr / 4, dxAddr / 4 + l.size);
    packGradRows(grad, n, g, l, cout, mem, gAddr / 4);
    for (const [kt, pv, k0, k1, v0, v1] of parts) {
      if (k1 > k0 && v1 > v0) {
        m.exports[gradTileName(kt, pv)]!(kSize, cout, ho, k0, k1, v0, v1, xAddr, dxAddr, offAddr, wAddr, gAddr, xRowBytes, gRowBytes, gChanBytes);
      }
    }
    unphases(dxAddr, rawAddr, g.cin, g.h, g.w, g.padding, g.stride, l.hph, l.wph);
    dx.set(mem.subarray(rawAddr / 4, rawAddr / 4 + image), n * image);
  }
}
