// The WebAssembly SIMD128 code of the simd adder input gradient (driver: adder-input-grad-simd.ts; js oracle:
// backwardInputImage in ../adderBackwardInput.ts).
//
// Math: dXcol[k, p] = sum_co clamp(W[co, k] - X[k, p], -1, 1) * G[co, p] (HardTanh), summed over co in float32,
// then added into the input gradient at the pixel that tap k of window p reads (col2im on the fly).
//
// Layout (phase-planes.ts): x and dx are split into stride x stride phase planes, in which the pixels that tap k
// reads for the output positions ow, ow+1, ... of one output row are consecutive; G is [co][oh][ow] with rows padded
// to a multiple of 4 by zeros. So four consecutive output positions are one v128 for any stride.
//
// Register tile: KT = 2 taps x PV = 2 vectors of 4 positions of one output row: 4 f32x4 accumulators acc[j][v] and
// the 4 x vectors, loaded once per tile. The loop over output channels co is innermost (unrolled twice): per co it
// loads G[co, the tile's positions] (PV v128), splats W[co, k] for each tap (load32_splat), and for each (j, v)
// adds clamp(w - x, -1, 1) * g to acc[j][v], the clamp as f32x4.pmax(f32x4.pmin(w - x, 1), -1) (pmin/pmax are one
// minps/maxps each and pass a NaN difference through, as the js loop does; f32x4.min/max carry NaN and -0 fix-ups
// that made the loop about 2.5x slower): 5 instructions per 4 adder-ops.
// Then acc[j][v] is added into dx (v128 load, add, store). Measured on the 2-core EPYC (one thread, wasm alone,
// G adder-ops/s on the 16x32x32 / 64x8x8 layers): 2x2 with x in registers 6.0 / 6.4 (unrolled: 6.1 / 6.8),
// 2x2 reloading x per co 5.7 / 5.0, 3x2 5.3 / 5.1, 4x2 5.3 / 4.6, 4x1 4.7 / 5.8, 8x1 3.8 / 4.5.
import { wasm } from '@adder/tensor';
import { addLayoutFunctions } from './layout-wasm';

type Local = wasm.Local;

/** The largest tile: taps and position vectors. The driver calls the smaller tiles on the taps / vectors left over. */
export const GRAD_KT = 2;
export const GRAD_PV = 2;
/** Output channels per pass of the innermost loop. */
const GRAD_UNROLL = 2;

const { i32, v128 } = wasm.ValType;

const PARAMS = ['kSize', 'cout', 'ho', 'k0', 'k1', 'v0', 'v1', 'x', 'dx', 'offs', 'w', 'g', 'xRowBytes', 'gRowBytes', 'gChanBytes'] as const;

/** Name of the exported function of tile kt x pv. */
export function gradTileName(kt: number, pv: number): string {
  return `grad${kt}x${pv}`;
}

/**
 * grad{KT}x{PV}(kSize, cout, ho, k0, k1, v0, v1, x, dx, offs, w, g, xRowBytes, gRowBytes, gChanBytes): for every
 * output row oh < ho, vector group [v, v + PV) in [v0, v1) and tap group [k, k + KT) in [k0, k1) (the ranges are
 * multiples of the tile), with a(j) = offs[k + j] + oh * xRowBytes + 16 * v (bytes):
 * dx[a(j) + 16u] += sum_co clamp(w[co, k + j] - x[a(j) + 16u], -1, 1) * g[co * gChanBytes + oh * gRowBytes + 16(v + u)].
 * w is [co][k] (row stride kSize floats).
 */
export function emitGradTile(kt: number, pv: number, unroll = GRAD_UNROLL): wasm.FunctionBuilder {
  const f = new wasm.FunctionBuilder(gradTileName(kt, pv), PARAMS.map((n) => [n, i32] as const));
  const [kSize, cout, ho, k0, k1, v0, v1, x, dx, offs, w, g, xRowBytes, gRowBytes, gChanBytes] = PARAMS.map((n) => f.arg(n)) as Local[] as [
    Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local,
  ];
  const oh = f.local('oh', i32), v = f.local('v', i32), k = f.local('k', i32), co = f.local('co', i32);
  const xRow = f.local('xRow', i32), gRow = f.local('gRow', i32), wk = f.local('wk', i32), gk = f.local('gk', i32);
  const wRowBytes = f.local('wRowBytes', i32), delta = f.local('delta', i32), addr = f.local('addr', i32);
  const xa = Array.from({ length: kt }, (_, j) => f.local(`xa${j}`, i32));
  const acc = Array.from({ length: kt }, (_, j) => Array.from({ length: pv }, (_, u) => f.local(`acc${j}_${u}`, v128)));
  const gv = Array.from({ length: pv }, (_, u) => f.local(`g${u}`, v128));
  const xr = Array.from({ length: kt }, (_, j) => Array.from({ length: pv }, (_, u) => f.local(`x${j}_${u}`, v128)));
  const ws = f.local('ws', v128), d = f.local('d', v128), one = f.local('one', v128), minusOne = f.local('minusOne', v128);

  f.f32x4(1).set(one);
  f.f32x4(-1).set(minusOne);
  f.get(kSize).i32(4).op('i32_mul').set(wRowBytes);
  f.get(dx).get(x).op('i32_sub').set(delta);
  f.forRange(oh, () => f.i32(0), () => f.get(ho), 1, () => {
    f.forRange(v, () => f.get(v0), () => f.get(v1), pv, () => {
      // xRow = x + oh * xRowBytes + 16 v; gRow = g + oh * gRowBytes + 16 v
      f.get(x).get(oh).get(xRowBytes).op('i32_mul').op('i32_add').get(v).i32(16).op('i32_mul').op('i32_add').set(xRow);
      f.get(g).get(oh).get(gRowBytes).op('i32_mul').op('i32_add').get(v).i32(16).op('i32_mul').op('i32_add').set(gRow);
      f.forRange(k, () => f.get(k0), () => f.get(k1), kt, () => {
        f.get(offs).get(k).i32(4).op('i32_mul').op('i32_add').set(addr);
        for (let j = 0; j < kt; j++) f.get(addr).mem('i32_load', 4 * j).get(xRow).op('i32_add').set(xa[j]!);
        for (const r of acc) for (const a of r) f.f32x4(0).set(a);
        for (let j = 0; j < kt; j++) for (let u = 0; u < pv; u++) f.get(xa[j]!).vmem('v128_load', 16 * u).set(xr[j]![u]!);
        f.get(w).get(k).i32(4).op('i32_mul').op('i32_add').set(wk);
        f.get(gRow).set(gk);
        const step = (): void => {
          for (let u = 0; u < pv; u++) f.get(gk).vmem('v128_load', 16 * u).set(gv[u]!);
          for (let j = 0; j < kt; j++) {
            f.get(wk).vmem('v128_load32_splat', 4 * j).set(ws);
            for (let u = 0; u < pv; u++) {
              f.get(ws).get(xr[j]![u]!).simd('f32x4_sub').get(one).simd('f32x4_pmin').get(minusOne).simd('f32x4_pmax').set(d);
              f.get(acc[j]![u]!).get(d).get(gv[u]!).simd('f32x4_mul').simd('f32x4_add').set(acc[j]![u]!);
            }
          }
          f.get(wk).get(wRowBytes).op('i32_add').set(wk);
          f.get(gk).get(gChanBytes).op('i32_add').set(gk);
        };
        // co in steps of `unroll` (a power of two), then one at a time: the same order either way
        f.forRange(co, () => f.i32(0), () => f.get(cout).i32(-unroll).op('i32_and'), unroll, () => {
          for (let r = 0; r < unroll; r++) step();
        });
        f.forRange(co, () => f.get(cout).i32(-unroll).op('i32_and'), () => f.get(cout), 1, step);
        for (let j = 0; j < kt; j++) {
          f.get(xa[j]!).get(delta).op('i32_add').set(addr);
          for (let u = 0; u < pv; u++) {
            f.get(addr).get(addr).vmem('v128_load', 16 * u).get(acc[j]![u]!).simd('f32x4_add').vmem('v128_store', 16 * u);
          }
        }
      });
    });
  });
  return f;
}

/** The input-gradient module: every tile kt x pv with kt <= GRAD_KT, pv <= GRAD_PV, and the layout copies. */
export function buildInputGradModule(m: wasm.ModuleBuilder): void {
  for (let kt = 1; kt <= GRAD_KT; kt++) for (let pv = 1; pv <= GRAD_PV; pv++) m.addFunction(emitGradTile(kt, pv));
  addLayoutFunctions(m, true);
}
