// The WebAssembly SIMD128 code of the simd adder weight-gradient product (driver: adder-weight-grad-simd.ts; js
// oracle: weightProductImagesJs in ../adderBackwardWeight.ts, im2col + GEMM).
//
// Math: P[co, k] = sum_n sum_p G[n, co, p] * X_col,n[k, p], the G X_col^T term of dW, with X read in place from
// the stride phase planes (phase-planes.ts: four consecutive output positions of a row are one v128 for any
// stride), so no im2col matrix exists.
//
// Register tile: CT = 4 output channels x KT = 2 taps, 8 f32x4 accumulators acc[c][j] whose lanes are partial
// sums over the positions p = 4i + lane. G is [n][coPad][oh][woPad] (phase-planes.ts); each step over 4 positions
// loads the tile's CT channels' 4 values of G and each tap's 4 x values (one v128 each, at the row pointers plus
// the step's byte offset) and does CT * KT f32x4.mul + f32x4.add. The images of the call are summed in the same
// accumulators; the lanes are stored as [co][k][lane] and added up by the driver. Measured on the 2-core EPYC
// (one thread, wasm alone, G multiply-adds/s on the 16x32x32 / 64x8x8 layers): 4x2 19.5 / 15.5, 2x4 19.8 / 13.8,
// 3x2 18.3 / 13.1, 2x2 15.9 / 10.2, 4x4 14.1 / 10.9, 2x8 11.7 / 7.4.
import { wasm } from '@adder/tensor';
import { addLayoutFunctions } from './layout-wasm';

type Local = wasm.Local;

/** Output channels and taps per tile. */
export const WG_CT = 4;
export const WG_KT = 2;

const { i32, v128 } = wasm.ValType;

const PARAMS = ['images', 'ho', 'nvec', 'coTiles', 'kTiles', 'x', 'xImageBytes', 'xRowBytes', 'offs', 'g', 'gChanBytes', 'out'] as const;

/**
 * product(images, ho, nvec, coTiles, kTiles, x, xImageBytes, xRowBytes, offs, g, gChanBytes, out): for channel
 * tile t, tap tile q, out[(t*CT + c) * kTiles*KT + q*KT + j][lane] = sum over images n, rows oh, vectors v of lane
 * `lane` of g[((n * coTiles*CT + t*CT + c) * ho + oh) * nvec + v] * x[n * xImageBytes + oh * xRowBytes +
 * offs[q*KT + j] + 16 v] (g indexed in v128, offs in bytes; a channel of one image is gChanBytes = ho*nvec*16).
 */
export function emitProduct(ct = WG_CT, kt = WG_KT): wasm.FunctionBuilder {
  const f = new wasm.FunctionBuilder('product', PARAMS.map((n) => [n, i32] as const));
  const [images, ho, nvec, coTiles, kTiles, x, xImageBytes, xRowBytes, offs, g, gChanBytes, out] = PARAMS.map((n) => f.arg(n)) as Local[] as [
    Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local,
  ];
  const t = f.local('t', i32), q = f.local('q', i32), n = f.local('n', i32), oh = f.local('oh', i32);
  const gTile = f.local('gTile', i32), gImageBytes = f.local('gImageBytes', i32), xImage = f.local('xImage', i32), xRow = f.local('xRow', i32);
  const ga = Array.from({ length: ct }, (_, c) => f.local(`ga${c}`, i32));
  const o = f.local('o', i32), oEnd = f.local('oEnd', i32), offQ = f.local('offQ', i32), dst = f.local('dst', i32);
  const xa = Array.from({ length: kt }, (_, j) => f.local(`xa${j}`, i32));
  const acc = Array.from({ length: ct }, (_, c) => Array.from({ length: kt }, (_, j) => f.local(`acc${c}_${j}`, v128)));
  const gv = Array.from({ length: ct }, (_, c) => f.local(`g${c}`, v128));
  const xv = f.local('xv', v128);

  // bytes of one image's G: coTiles * CT channels
  f.get(coTiles).i32(ct).op('i32_mul').get(gChanBytes).op('i32_mul').set(gImageBytes);
  f.get(nvec).i32(16).op('i32_mul').set(oEnd);
  f.get(out).set(dst);
  f.forRange(t, () => f.i32(0), () => f.get(coTiles), 1, () => {
    f.forRange(q, () => f.i32(0), () => f.get(kTiles), 1, () => {
      for (const r of acc) for (const a of r) f.f32x4(0).set(a);
      f.get(offs).get(q).i32(kt * 4).op('i32_mul').op('i32_add').set(offQ);
      f.forRange(n, () => f.i32(0), () => f.get(images), 1, () => {
        // gTile = g + n * gImageBytes + t * CT * gChanBytes
        f.get(g).get(n).get(gImageBytes).op('i32_mul').op('i32_add').get(t).i32(ct).op('i32_mul').get(gChanBytes).op('i32_mul').op('i32_add').set(gTile);
        f.get(x).get(n).get(xImageBytes).op('i32_mul').op('i32_add').set(xImage);
        f.forRange(oh, () => f.i32(0), () => f.get(ho), 1, () => {
          f.get(xImage).get(oh).get(xRowBytes).op('i32_mul').op('i32_add').set(xRow);
          for (let j = 0; j < kt; j++) f.get(offQ).mem('i32_load', 4 * j).get(xRow).op('i32_add').set(xa[j]!);
          for (let c = 0; c < ct; c++) {
            f.get(gTile).get(oh).get(nvec).op('i32_mul').i32(16).op('i32_mul').op('i32_add');
            if (c > 0) f.get(gChanBytes).i32(c).op('i32_mul').op('i32_add');
            f.set(ga[c]!);
          }
          f.i32(0).set(o);
          f.loop((top) => {
            for (let c = 0; c < ct; c++) f.get(ga[c]!).get(o).op('i32_add').vmem('v128_load').set(gv[c]!);
            for (let j = 0; j < kt; j++) {
              f.get(xa[j]!).get(o).op('i32_add').vmem('v128_load').set(xv);
              for (let c = 0; c < ct; c++) f.get(acc[c]![j]!).get(gv[c]!).get(xv).simd('f32x4_mul').simd('f32x4_add').set(acc[c]![j]!);
            }
            f.get(o).i32(16).op('i32_add').tee(o).get(oEnd).op('i32_lt_u').brIf(top);
          });
        });
      });
      // out row (t*CT + c) is kTiles*KT vectors long; this tile's j-th vector is at q*KT + j
      for (let c = 0; c < ct; c++) {
        for (let j = 0; j < kt; j++) {
          f.get(dst).get(kTiles).i32(kt * 16 * c).op('i32_mul').op('i32_add').get(acc[c]![j]!).vmem('v128_store', 16 * j);
        }
      }
      f.get(dst).i32(kt * 16).op('i32_add').set(dst);
    });
    // next channel tile: skip the other CT - 1 rows of this one
    f.get(dst).get(kTiles).i32(kt * 16 * (ct - 1)).op('i32_mul').op('i32_add').set(dst);
  });
  return f;
}

/**
 * rowsums(g, channels, chanFloats, out): out[c] += sum of the chanFloats floats of channel c of one image's G
 * (f64 at out + 8c), each float widened to float64 and summed in 4 float64 accumulators (element i into i mod 4),
 * added as (a0 + a1) + (a2 + a3). chanFloats is a multiple of 4.
 */
function emitRowSums(): wasm.FunctionBuilder {
  const params = ['g', 'channels', 'chanFloats', 'out'] as const;
  const f = new wasm.FunctionBuilder('rowsums', params.map((n) => [n, i32] as const));
  const [g, channels, chanFloats, out] = params.map((n) => f.arg(n)) as Local[] as [Local, Local, Local, Local];
  const c = f.local('c', i32), p = f.local('p', i32), end = f.local('end', i32), o = f.local('o', i32);
  const a = Array.from({ length: 4 }, (_, i) => f.local(`a${i}`, wasm.ValType.f64));
  f.get(g).set(p);
  f.get(out).set(o);
  f.forRange(c, () => f.i32(0), () => f.get(channels), 1, () => {
    for (const x of a) f.f64(0).set(x);
    f.get(p).get(chanFloats).i32(4).op('i32_mul').op('i32_add').set(end);
    f.loop((top) => {
      for (let i = 0; i < 4; i++) f.get(a[i]!).get(p).mem('f32_load', 4 * i).op('f64_promote_f32').op('f64_add').set(a[i]!);
      f.get(p).i32(16).op('i32_add').tee(p).get(end).op('i32_lt_u').brIf(top);
    });
    f.get(o).get(o).mem('f64_load').get(a[0]!).get(a[1]!).op('f64_add').get(a[2]!).get(a[3]!).op('f64_add').op('f64_add').op('f64_add').mem('f64_store');
    f.get(o).i32(8).op('i32_add').set(o);
  });
  return f;
}

/** The weight-gradient module: product with the CT x KT tile, the row sums of G, and the layout copies. */
export function buildWeightGradModule(m: wasm.ModuleBuilder): void {
  m.addFunction(emitProduct());
  m.addFunction(emitRowSums());
  addLayoutFunctions(m, false);
}
