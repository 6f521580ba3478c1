// The WebAssembly SIMD128 code of the simd adder forward (driver: adder-forward-simd.ts; js oracle: forwardImage
// in ../adderForward.ts).
//
// Math: Y[co, p] = -sum_k |x_pad[corner(p) + off(k)] - W[co, k]|, summed in float32 in tap order k = 0..K-1.
//
// Register tile: PT = 4 output positions x CT output channels, held in PT * CT/4 f32x4 accumulators acc[c][v]
// (lane r of acc[c][v] is channel 4v + r at position c). Vectorised over output channels, so any stride works:
// per tap k the CT weights W[tile, k] are CT/4 consecutive v128 loads of the tile-packed weights, each position's
// x value is a v128.load32_splat from its window corner's byte offset (a table) plus the tap's byte address,
// and each accumulator takes acc += |xs - w| (f32x4.sub, f32x4.abs, f32x4.add): 4 adder-ops per 3 instructions.
// The accumulators are stored negated, lane by lane, into channel-major rows (Y[co, p], row stride rowBytes).
// Measured on the 2-core EPYC (one thread, wasm alone, 16x32x32 and 64x8x8 layers): 4x16, 3x16, 4x12 and 2x16
// all ran at about 9 G adder-ops/s, within the +-5% run-to-run noise of the shared machine; 8x8 and 6x8 were
// 5-15% slower. 4x16 is kept (fewest position tiles; the same tile as the simd GEMM).
import { wasm } from '@adder/tensor';
import { addLayoutFunctions } from './layout-wasm';

type FunctionBuilder = wasm.FunctionBuilder;
type Local = wasm.Local;

/** Output positions per tile. */
export const FORWARD_PT = 4;
/** Output channels per tile of the main function, and of the narrow function for the channels left over. */
export const FORWARD_CT = 16;
export const FORWARD_CT_TAIL = 4;

const { i32, v128 } = wasm.ValType;

/**
 * forward{CT}(kSize, nPos, pos, offs, w, y, rowBytes, tiles): for channel tiles t < tiles and position tiles
 * q < nPos / PT (nPos a multiple of PT), y[t*CT + j, q*PT + c] = -sum_k |mem[pos[q*PT + c] + offs[k]] - w_t[k, j]|,
 * where pos and offs hold i32 byte offsets whose sums are addresses, w_t = w + t*K*CT floats is tile t's weights
 * packed as [k][CT], and row j of tile t starts at byte y + (t*CT + j) * rowBytes.
 */
export function emitForward(f: FunctionBuilder, ct: number, pt = FORWARD_PT): void {
  const [kSize, nPos, pos, offs, w, y, rowBytes, tiles] = ['kSize', 'nPos', 'pos', 'offs', 'w', 'y', 'rowBytes', 'tiles'].map((n) => f.arg(n)) as Local[] as [
    Local, Local, Local, Local, Local, Local, Local, Local,
  ];
  const nv = ct / 4;
  const t = f.local('t', i32), q = f.local('q', i32);
  const wTile = f.local('wTile', i32), yTile = f.local('yTile', i32), posQ = f.local('posQ', i32);
  const ok = f.local('ok', i32), okEnd = f.local('okEnd', i32), wk = f.local('wk', i32), o = f.local('o', i32);
  const row = f.local('row', i32), yq = f.local('yq', i32);
  const pc = Array.from({ length: pt }, (_, c) => f.local(`pc${c}`, i32));
  const acc = Array.from({ length: pt }, (_, c) => Array.from({ length: nv }, (_, v) => f.local(`acc${c}_${v}`, v128)));
  const wv = Array.from({ length: nv }, (_, v) => f.local(`w${v}`, v128));
  const xs = f.local('xs', v128);

  f.get(w).set(wTile);
  f.get(y).set(yTile);
  f.get(offs).get(kSize).i32(4).op('i32_mul').op('i32_add').set(okEnd);
  f.forRange(t, () => f.i32(0), () => f.get(tiles), 1, () => {
    f.forRange(q, () => f.i32(0), () => f.get(nPos), pt, () => {
      // the tile's window corners
      f.get(pos).get(q).i32(4).op('i32_mul').op('i32_add').set(posQ);
      for (let c = 0; c < pt; c++) f.get(posQ).mem('i32_load', 4 * c).set(pc[c]!);
      for (const r of acc) for (const a of r) f.f32x4(0).set(a);
      f.get(offs).set(ok);
      f.get(wTile).set(wk);
      f.loop((top) => {
        f.get(ok).mem('i32_load').set(o);
        for (let v = 0; v < nv; v++) f.get(wk).vmem('v128_load', 16 * v).set(wv[v]!);
        for (let c = 0; c < pt; c++) {
          f.get(pc[c]!).get(o).op('i32_add').vmem('v128_load32_splat').set(xs);
          for (let v = 0; v < nv; v++) {
            f.get(acc[c]![v]!).get(xs).get(wv[v]!).simd('f32x4_sub').simd('f32x4_abs').simd('f32x4_add').set(acc[c]![v]!);
          }
        }
        f.get(wk).i32(ct * 4).op('i32_add').set(wk);
        f.get(ok).i32(4).op('i32_add').tee(ok).get(okEnd).op('i32_lt_u').brIf(top);
      });
      // y[tile row 4v + r, q*PT + c] = -lane r of acc[c][v]
      f.get(yTile).get(q).i32(4).op('i32_mul').op('i32_add').set(yq);
      for (let v = 0; v < nv; v++) {
        for (let c = 0; c < pt; c++) f.get(acc[c]![v]!).simd('f32x4_neg').set(acc[c]![v]!);
        for (let r = 0; r < 4; r++) {
          f.get(yq).get(rowBytes).i32(4 * v + r).op('i32_mul').op('i32_add').set(row);
          for (let c = 0; c < pt; c++) f.get(row).get(acc[c]![v]!).lane('f32x4_extract_lane', r).mem('f32_store', 4 * c);
        }
      }
    });
    f.get(wTile).get(kSize).i32(ct * 4).op('i32_mul').op('i32_add').set(wTile);
    f.get(yTile).get(rowBytes).i32(ct).op('i32_mul').op('i32_add').set(yTile);
  });
}

/** The forward module's functions: forward{CT}, forward{CT_TAIL} and the padding copy (phases with stride 1). */
export function buildForwardModule(m: wasm.ModuleBuilder): void {
  for (const ct of [FORWARD_CT, FORWARD_CT_TAIL]) {
    const f = new wasm.FunctionBuilder(`forward${ct}`, ['kSize', 'nPos', 'pos', 'offs', 'w', 'y', 'rowBytes', 'tiles'].map((n) => [n, i32] as const));
    emitForward(f, ct);
    m.addFunction(f);
  }
  addLayoutFunctions(m, false);
}
