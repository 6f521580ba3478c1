// The simd adder forward (kernel 'adder2d.forward', backend simd, float32): output rows [oh0, oh1) of image n,
// Y[n, co, p] = -sum_k |x_pad[n, window(p) + tap k] - W[co, k]|, on the 4 positions x 16 channels f32x4 tile of
// forward-wasm.ts. Its js oracle is forwardImage (via forwardRowsJs) in ../adderForward.ts, which sums in float64
// and rounds once; this sums the K float32 terms |x - w| (each rounded) in float32 in the same tap order, so
// |simd - js| <= (K + 1) * 2^-24 * |Y| elementwise (all terms are >= 0, so sum |terms| = |Y|).
//
// Per call the module memory holds: the weights re-packed in 16-channel tiles ([tile][k][16], the channels left
// over in the js 4-channel blocks), the tap byte offsets, a plain staging image and the padded rows of x that the
// call's windows read (padded by layout-wasm.ts), a table of window-corner offsets (flat positions, so a tile
// may span output rows), and the output rows. The weights, tap addresses and corner table are made, and each
// image staged, only when the call's arrays differ from the previous call's on this thread: adderForward packs a
// fresh weight array per call, and a job's chunks on one thread share it (its operands are read-only while it runs).
import { wasm, type TypedArray } from '@adder/tensor';
import type { AdderGeometry } from '../geometry';
import { paddedSize } from '../padInput';
import { buildForwardModule, FORWARD_CT, FORWARD_CT_TAIL, FORWARD_PT } from './forward-wasm';

const forwardModule = new wasm.KernelModule('adder2d.forward (simd)', buildForwardModule);

/**
 * What the start of this thread's module memory holds: the re-packed weights and tap offsets of the call whose
 * packed weights are `wp` (with x, the offsets and the window table depend on the geometry only), and which
 * image of x the staging area holds (-1: none).
 */
let packedFrom: { wp: TypedArray; offs: Int32Array; x: TypedArray; cout: number; kSize: number; image: number } | null = null;

/** js 4-channel blocks ([co >> 2][k][co & 3]) -> 16-channel tiles ([t][k][16]), then the leftover 4-blocks as they are. */
function packTiles(wp: TypedArray, cout: number, kSize: number, dst: Float32Array): void {
  const tiles = Math.floor(cout / FORWARD_CT);
  const nb = FORWARD_CT / 4;
  for (let t = 0; t < tiles; t++) {
    const base = t * kSize * FORWARD_CT;
    for (let v = 0; v < nb; v++) {
      const src = (t * nb + v) * kSize * 4;
      for (let k = 0; k < kSize; k++) {
        const d = base + k * FORWARD_CT + 4 * v, s = src + 4 * k;
        dst[d] = wp[s]!; dst[d + 1] = wp[s + 1]!; dst[d + 2] = wp[s + 2]!; dst[d + 3] = wp[s + 3]!;
      }
    }
  }
  const start = tiles * FORWARD_CT * kSize;
  dst.set(wp.subarray(start, Math.ceil(cout / 4) * 4 * kSize), start);
}

/** The simd twin of forwardRowsJs (float32 operands; the caller keeps float64 on js). */
export function forwardRowsSimd(wp: Float32Array, x: Float32Array, offs: Int32Array, y: Float32Array, n: number, g: AdderGeometry, oh0: number, oh1: number): void {
  const { cin, cout, kh, wo, kSize, pSize, stride } = g;
  const { hp, wp: padW } = paddedSize(g);
  const plane = hp * padW;
  const coPad = Math.ceil(cout / 4) * 4;
  const cnt = (oh1 - oh0) * wo;
  const cntPad = Math.ceil(cnt / FORWARD_PT) * FORWARD_PT;
  const m = forwardModule;
  m.reset();
  const wAddr = m.alloc(coPad * kSize * 4);
  const offAddr = m.alloc(kSize * 4);
  const posAddr = m.alloc((pSize + FORWARD_PT) * 4);
  const rawAddr = m.alloc(cin * g.h * g.w * 4);
  const xAddr = m.alloc(cin * plane * 4);
  const yAddr = m.alloc(coPad * cntPad * 4);
  if (packedFrom === null || packedFrom.wp !== wp || packedFrom.offs !== offs || packedFrom.x !== x || packedFrom.cout !== cout || packedFrom.kSize !== kSize) {
    packTiles(wp, cout, kSize, m.f32(wAddr, coPad * kSize));
    // tap k's absolute byte address is offs[k] + the window corner's offset in the padded image (the table pos)
    const o = m.i32(offAddr, kSize);
    for (let k = 0; k < kSize; k++) o[k] = xAddr + offs[k]! * 4;
    const pos = m.i32(posAddr, pSize + FORWARD_PT);
    for (let oh = 0, i = 0; oh < g.ho; oh++) for (let ow = 0; ow < wo; ow++) pos[i++] = (oh * stride * padW + ow * stride) * 4;
    pos.fill(pos[pSize - 1]!, pSize); // positions past the end of a call repeat the last one (their rows are not stored)
    packedFrom = { wp, offs, x, cout, kSize, image: -1 };
  }
  // image n of x in the staging area (once per image and thread), then the padded rows [r0, r1) of every plane
  // that the windows of rows [oh0, oh1) read, at their place in the padded image (phases with stride 1)
  if (packedFrom.image !== n) {
    const image = cin * g.h * g.w;
    m.f32(rawAddr, image).set(x.subarray(n * image, (n + 1) * image));
    packedFrom.image = n;
  }
  const r0 = oh0 * stride, r1 = (oh1 - 1) * stride + kh;
  m.exports.phases!(rawAddr, xAddr, cin, g.h, g.w, g.padding, 1, hp, padW, r0, r1);
  const wide = m.exports[`forward${FORWARD_CT}`]!, narrow = m.exports[`forward${FORWARD_CT_TAIL}`]!;
  const rowBytes = cntPad * 4;
  const tiles = Math.floor(cout / FORWARD_CT);
  const tail = coPad / FORWARD_CT_TAIL - tiles * (FORWARD_CT / FORWARD_CT_TAIL);
  const posCall = posAddr + oh0 * wo * 4;
  if (tiles > 0) wide(kSize, cntPad, posCall, offAddr, wAddr, yAddr, rowBytes, tiles);
  if (tail > 0) narrow(kSize, cntPad, posCall, offAddr, wAddr + tiles * FORWARD_CT * kSize * 4, yAddr + tiles * FORWARD_CT * rowBytes, rowBytes, tail);
  const out = m.f32(yAddr, coPad * cntPad);
  const dst = n * cout * pSize + oh0 * wo;
  for (let co = 0; co < cout; co++) y.set(out.subarray(co * cntPad, co * cntPad + cnt), dst + co * pSize);
}
