// The simd adder weight-gradient product (kernel 'adder2d.weightGrad', backend simd, float32): for images
// [n0, n1), partial[co, k] = sum_n sum_p G[n, co, p] * X_col,n[k, p] (the G X_col^T term of dW) and
// rowSums[co] = sum_n sum_p G[n, co, p] in float64 (the caller subtracts W * rowsum(G)), on the 4 channels x 2 taps f32x4 tile of weight-grad-wasm.ts over the stride phase
// planes of phase-planes.ts, so no im2col matrix is built. Its js oracle is weightProductImagesJs in
// ../adderBackwardWeight.ts (im2col, then GEMM with float64 panels, rounded into float32 per 256-deep block and
// per image). Here each element's m = (n1 - n0) * P products are rounded to float32 and summed in float32, four
// lanes of partial sums then added in float64 and rounded once, so |simd - js| <= (m + 2) * 2^-24 * sum_n,p |G X|
// plus the js side's own float32 roundings (one per 256 positions and image, of the same order). The row sums
// differ from js's in-order float64 sums only by float64 rounding (4 accumulators per image, then per image).
//
// Per call the module memory holds the phase-layout tap offsets (taps padded to a multiple of 2 read offset 0;
// their columns are not used), a plain staging image, x of the call's images in the phase layout (layout-wasm.ts),
// G as [n][coPad][oh][woPad] with zeros past Cout and past Wo (those add 0 * x = 0), and the lanes of the result.
import { wasm } from '@adder/tensor';
import type { AdderGeometry } from '../geometry';
import { packGradRows, packPhases, phaseLayout, phaseTapOffsets } from './phase-planes';
import { buildWeightGradModule, WG_CT, WG_KT } from './weight-grad-wasm';

const productModule = new wasm.KernelModule('adder2d.weightGrad (simd)', buildWeightGradModule);

/** The geometry whose tap offsets sit at the start of this thread's module memory. */
let offsetsFor: string | null = null;

/** The simd twin of weightProductImagesJs (float32 operands; the caller keeps float64 on js). */
export function weightProductImagesSimd(x: Float32Array, grad: Float32Array, partial: Float32Array, rowSums: Float64Array, g: AdderGeometry, n0: number, n1: number): void {
  const { cout, kSize, ho } = g;
  const l = phaseLayout(g);
  const images = n1 - n0;
  const coTiles = Math.ceil(cout / WG_CT), kTiles = Math.ceil(kSize / WG_KT);
  const kPad = kTiles * WG_KT, coPad = coTiles * WG_CT;
  const gFloats = coPad * ho * l.woPad;
  const m = productModule;
  m.reset();
  const offAddr = m.alloc(kPad * 4);
  const rawAddr = m.alloc(g.cin * g.h * g.w * 4);
  const xAddr = m.alloc(images * l.size * 4);
  const gAddr = m.alloc(images * gFloats * 4);
  const outAddr = m.alloc(coPad * kPad * 16);
  const sumAddr = m.alloc(coPad * 8);
  const key = `${g.cin},${g.h},${g.w},${g.kh},${g.kw},${g.stride},${g.padding},${g.wo}`;
  if (offsetsFor !== key) {
    const offs = m.i32(offAddr, kPad);
    phaseTapOffsets(g, l, offs);
    offs.fill(0, kSize);
    offsetsFor = key;
  }
  const mem = m.f32(0, outAddr / 4 + coPad * kPad * 4);
  const sums = new Float64Array(mem.buffer, sumAddr, coPad);
  sums.fill(0);
  const phases = m.exports.phases!, rowsums = m.exports.rowsums!;
  for (let i = 0; i < images; i++) {
    packPhases(phases, mem, x, n0 + i, g, l, rawAddr, xAddr + i * l.size * 4);
    packGradRows(grad, n0 + i, g, l, coPad, mem, gAddr / 4 + i * gFloats);
    rowsums(gAddr + i * gFloats * 4, cout, ho * l.woPad, sumAddr);
  }
  for (let co = 0; co < cout; co++) rowSums[co] = sums[co]!;
  m.exports.product!(images, ho, l.nvec, coTiles, kTiles, xAddr, l.size * 4, l.wph * 4, offAddr, gAddr, ho * l.woPad * 4, outAddr);
  const lanes = m.f32(outAddr, coPad * kPad * 4);
  for (let co = 0; co < cout; co++) {
    for (let k = 0; k < kSize; k++) {
      const s = (co * kPad + k) * 4;
      partial[co * kSize + k] = lanes[s]! + lanes[s + 1]! + (lanes[s + 2]! + lanes[s + 3]!);
    }
  }
}
