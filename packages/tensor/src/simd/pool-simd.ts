// The simd pooling kernels: max pooling (values and argmax), average pooling and the adaptive 1x1 mean for
// float32, as WebAssembly SIMD128 twins of the js loops in ../pool.ts (their oracles: maxPool2dJs,
// avgPool2dJs, adaptiveAvgPool2d1Js).
//
// Layout: blocks of whole (H, W) planes are copied into the module memory (one TypedArray.set when the planes
// are contiguous, a strided gather otherwise), pooled there, and the outputs copied back with one set each.
// A block holds at most BLOCK_FLOATS input floats and as many output floats (a larger plane stays on js), so the
// module memory stays bounded whatever the calls.
//
// max and avg: four consecutive output columns ow..ow+3 per f32x4 for the output columns whose window lies
// inside the input along W (the interior [owLo, owHi)); the border columns and the tail run the js loop's
// scalar code in wasm. Rows are clipped per output row exactly as in js. Column stride 1 reads each tap as one
// unaligned v128.load; stride 2 loads 8 floats and keeps the even lanes (i8x16.shuffle). Other column strides
// stay on js.
//  - max: per lane exactly the js test `v > best || v !== v` (f32x4.gt | f32x4.ne(v, v), then v128.bitselect of
//    the value and of the i32x4 index), in the js row-major tap order: the first maximum wins, a NaN is taken
//    (the last NaN of the window wins), and a window of -Infinity keeps its first in-bounds tap. Exact.
//  - avg: each lane sums its window in float64 (f64x2.promote_low_f32x4; two f64x2 accumulators for the four
//    columns) in the js loop's order, divides by kh*kw in float64 and rounds once (f32x4.demote_f64x2_zero):
//    the js loop's float64 arithmetic, so the bits are the same.
//  - adaptive 1x1: each plane's sum in four float64 lanes (lane k takes the elements i = k mod 4) plus a scalar
//    tail, combined as ((l0 + l1) + (l2 + l3)) + tail. The js loop sums serially, so the two differ by summation
//    order only: |difference| <= 2 * (H*W) * 2^-53 * sum|x| before the float32 rounding of the mean.
//
// Measured with the copies, one thread on the shared 2-core EPYC (median ms, js -> simd, batch 32; two runs, the
// machine was loaded): 16x32x32: max 2x2 4.9-7.5 -> 0.4-1.5, max 3x3/2 pad 1 5.5-12.4 -> 1.7-2.0, avg 2x2
// 1.6-4.8 -> 0.3-0.7, adaptive 0.65-0.94 -> 0.16-0.18; 32x16x16: max 2x2 2.1-2.5 -> 0.5-0.6, max 3x3/2 pad 1
// 3.6-3.7 -> 1.5-2.0, adaptive 0.47-0.61 -> 0.09; 64x8x8: max 2x2 1.1-1.3 -> 0.16-0.21, max 3x3/2 pad 1
// 1.4-1.7 -> 1.1-1.3 (1.3x: 4 output columns, one of them interior, so mostly the scalar border code),
// adaptive 0.18-0.28 -> 0.04-0.06. Every kernel is faster than js, so all stay on simd.
import type { WindowGeometry } from '../conv-geometry';
import type { PoolPlanes } from '../pool';
import { FunctionBuilder, type Local } from '../wasm/function-builder';
import type { ModuleBuilder } from '../wasm/module-builder';
import { ValType } from '../wasm/opcodes';
import { KernelModule } from '../wasm/runtime';

const { i32, f32, f64, v128 } = ValType;

/** Input floats per block (1 MiB); a plane larger than this is pooled by the js loop. */
export const BLOCK_FLOATS = 1 << 18;

type Kind = 'max' | 'avg';

/** Pushes max(a, b) (signed i32). */
function maxI32(f: FunctionBuilder, a: () => void, b: () => void): void {
  a(); b(); a(); b(); f.op('i32_gt_s').op('select');
}

/** Pushes min(a, b) (signed i32). */
function minI32(f: FunctionBuilder, a: () => void, b: () => void): void {
  a(); b(); a(); b(); f.op('i32_lt_s').op('select');
}

/**
 * <kind>_s<S>(x, vals, idx | area, planes, H, W, kh, kw, sh, ph, pw, outH, outW, owLo, owHi): pools `planes`
 * contiguous H x W planes at x into contiguous outH x outW planes at vals (and the int32 argmax at idx), with
 * column stride S. [owLo, owHi) are the output columns whose window is inside [0, W).
 */
function emitPool(m: ModuleBuilder, kind: Kind, S: 1 | 2): void {
  const names = ['x', 'vals', kind === 'max' ? 'idx' : 'area', 'planes', 'H', 'W', 'kh', 'kw', 'sh', 'ph', 'pw', 'outH', 'outW', 'owLo', 'owHi'];
  const f = new FunctionBuilder(`${kind}_s${S}`, names.map((n) => [n, n === 'area' ? f64 : i32] as const));
  const [x, vals, third, planes, H, W, kh, kw, sh, ph, pw, outH, outW, owLo, owHi] = names.map((n) => f.arg(n)) as [
    Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local,
  ];
  const p = f.local('p', i32), oh = f.local('oh', i32), ow = f.local('ow', i32), h = f.local('h', i32), w = f.local('w', i32);
  const j = f.local('j', i32), xp = f.local('xp', i32), orow = f.local('orow', i32), hs = f.local('hs', i32);
  const h0 = f.local('h0', i32), h1 = f.local('h1', i32), ws = f.local('ws', i32), w0 = f.local('w0', i32), w1 = f.local('w1', i32);
  const addr = f.local('addr', i32), ii = f.local('ii', i32), arg = f.local('arg', i32), planeIn = f.local('planeIn', i32), planeOut = f.local('planeOut', i32);
  const best = f.local('best', f32), tv = f.local('tv', f32), sum = f.local('sum', f64);
  const v = f.local('v', v128), mask = f.local('mask', v128), bestV = f.local('bestV', v128), argV = f.local('argV', v128);
  const laneOff = f.local('laneOff', v128), acc0 = f.local('acc0', v128), acc1 = f.local('acc1', v128);
  const get = (l: Local) => (): void => void f.get(l);

  f.i32x4(0, S, 2 * S, 3 * S).set(laneOff);
  f.get(H).get(W).op('i32_mul').i32(4).op('i32_mul').set(planeIn);
  f.get(outH).get(outW).op('i32_mul').i32(4).op('i32_mul').set(planeOut);
  /** Pushes the byte offset of output column ow in the current output row. */
  const outAt = (): void => void f.get(orow).get(ow).i32(4).op('i32_mul').op('i32_add');

  /** The js loop for output column ow over the clipped window [h0, h1) x [w0, w1). */
  const scalarColumn = (): void => {
    f.get(ow).i32(S).op('i32_mul').get(pw).op('i32_sub').set(ws);
    maxI32(f, get(ws), () => void f.i32(0));
    f.set(w0);
    minI32(f, () => void f.get(ws).get(kw).op('i32_add'), get(W));
    f.set(w1);
    if (kind === 'max') {
      f.f32(-Infinity).set(best);
      f.get(h0).get(W).op('i32_mul').get(w0).op('i32_add').set(arg);
    } else {
      f.f64(0).set(sum);
    }
    f.forRange(h, get(h0), get(h1), 1, () => {
      f.forRange(w, get(w0), get(w1), 1, () => {
        f.get(h).get(W).op('i32_mul').get(w).op('i32_add').set(ii);
        f.get(xp).get(ii).i32(4).op('i32_mul').op('i32_add').mem('f32_load');
        if (kind === 'max') {
          // if (v > best || v !== v) { best = v; arg = h*W + w }
          f.tee(tv).get(best).op('f32_gt').get(tv).get(tv).op('f32_ne').op('i32_or');
          f.ifElse(() => void f.get(tv).set(best).get(ii).set(arg));
        } else {
          f.op('f64_promote_f32').get(sum).op('f64_add').set(sum);
        }
      });
    });
    if (kind === 'max') {
      f.get(vals); outAt(); f.op('i32_add').get(best).mem('f32_store');
      f.get(third); outAt(); f.op('i32_add').get(arg).mem('i32_store');
    } else {
      f.get(vals); outAt(); f.op('i32_add').get(sum).get(third).op('f64_div').op('f32_demote_f64').mem('f32_store');
    }
  };

  /** Output columns ow..ow+3, all inside along W: column c0 + S*lane, c0 = ow*S - pw. */
  const vectorColumns = (): void => {
    f.get(ow).i32(S).op('i32_mul').get(pw).op('i32_sub').set(ws);
    if (kind === 'max') {
      f.f32x4(-Infinity).set(bestV);
      f.get(h0).get(W).op('i32_mul').get(ws).op('i32_add').simd('i32x4_splat').get(laneOff).simd('i32x4_add').set(argV);
    } else {
      f.f32x4(0).set(acc0);
      f.f32x4(0).set(acc1);
    }
    f.forRange(h, get(h0), get(h1), 1, () => {
      f.get(h).get(W).op('i32_mul').get(ws).op('i32_add').set(ii);
      f.get(xp).get(ii).i32(4).op('i32_mul').op('i32_add').set(addr);
      f.forRange(j, () => void f.i32(0), get(kw), 1, () => {
        if (S === 1) {
          f.get(addr).vmem('v128_load').set(v);
        } else {
          f.get(addr).vmem('v128_load').get(addr).vmem('v128_load', 16).shuffle32(0, 2, 4, 6).set(v);
        }
        if (kind === 'max') {
          f.get(v).get(bestV).simd('f32x4_gt').get(v).get(v).simd('f32x4_ne').simd('v128_or').set(mask);
          f.get(v).get(bestV).get(mask).simd('v128_bitselect').set(bestV);
          f.get(ii).simd('i32x4_splat').get(laneOff).simd('i32x4_add').get(argV).get(mask).simd('v128_bitselect').set(argV);
        } else {
          f.get(acc0).get(v).simd('f64x2_promote_low_f32x4').simd('f64x2_add').set(acc0);
          f.get(acc1).get(v).get(v).shuffle32(2, 3, 2, 3).simd('f64x2_promote_low_f32x4').simd('f64x2_add').set(acc1);
        }
        f.get(addr).i32(4).op('i32_add').set(addr);
        f.get(ii).i32(1).op('i32_add').set(ii);
      });
    });
    if (kind === 'max') {
      f.get(vals); outAt(); f.op('i32_add').get(bestV).vmem('v128_store');
      f.get(third); outAt(); f.op('i32_add').get(argV).vmem('v128_store');
    } else {
      f.get(third).simd('f64x2_splat').set(v);
      f.get(vals); outAt(); f.op('i32_add');
      f.get(acc0).get(v).simd('f64x2_div').simd('f32x4_demote_f64x2_zero');
      f.get(acc1).get(v).simd('f64x2_div').simd('f32x4_demote_f64x2_zero');
      f.shuffle32(0, 1, 4, 5).vmem('v128_store');
    }
  };

  f.forRange(p, () => void f.i32(0), get(planes), 1, () => {
    f.get(x).get(p).get(planeIn).op('i32_mul').op('i32_add').set(xp);
    f.forRange(oh, () => void f.i32(0), get(outH), 1, () => {
      f.get(oh).get(sh).op('i32_mul').get(ph).op('i32_sub').set(hs);
      maxI32(f, get(hs), () => void f.i32(0));
      f.set(h0);
      minI32(f, () => void f.get(hs).get(kh).op('i32_add'), get(H));
      f.set(h1);
      f.get(p).get(planeOut).op('i32_mul').get(oh).get(outW).op('i32_mul').i32(4).op('i32_mul').op('i32_add').set(orow);
      f.forRange(ow, () => void f.i32(0), get(owLo), 1, scalarColumn);
      f.forRange(ow, get(ow), () => void f.get(owHi).i32(3).op('i32_sub'), 4, vectorColumns);
      f.forRange(ow, get(ow), get(outW), 1, scalarColumn);
    });
  });
  m.addFunction(f);
}

/** mean1(x, out, planes, len, area): out[p] = float32(sum of the len floats of plane p / area), lane sums in f64. */
function emitPlaneMean(m: ModuleBuilder): void {
  const f = new FunctionBuilder('mean1', [['x', i32], ['out', i32], ['planes', i32], ['len', i32], ['area', f64]]);
  const [x, out, planes, len, area] = ['x', 'out', 'planes', 'len', 'area'].map((n) => f.arg(n)) as [Local, Local, Local, Local, Local];
  const p = f.local('p', i32), a = f.local('a', i32), end4 = f.local('end4', i32), end = f.local('end', i32);
  const v = f.local('v', v128), acc0 = f.local('acc0', v128), acc1 = f.local('acc1', v128), t = f.local('t', f64);
  f.forRange(p, () => void f.i32(0), () => void f.get(planes), 1, () => {
    f.get(x).get(p).get(len).op('i32_mul').i32(4).op('i32_mul').op('i32_add').tee(a);
    f.get(len).i32(-4).op('i32_and').i32(4).op('i32_mul').op('i32_add').set(end4);
    f.get(a).get(len).i32(4).op('i32_mul').op('i32_add').set(end);
    f.f32x4(0).tee(acc0).set(acc1);
    f.f64(0).set(t);
    f.forRange(a, () => void f.get(a), () => void f.get(end4), 16, () => {
      f.get(a).vmem('v128_load').set(v);
      f.get(acc0).get(v).simd('f64x2_promote_low_f32x4').simd('f64x2_add').set(acc0);
      f.get(acc1).get(v).get(v).shuffle32(2, 3, 2, 3).simd('f64x2_promote_low_f32x4').simd('f64x2_add').set(acc1);
    });
    f.forRange(a, () => void f.get(a), () => void f.get(end), 4, () => {
      f.get(t).get(a).mem('f32_load').op('f64_promote_f32').op('f64_add').set(t);
    });
    f.get(out).get(p).i32(4).op('i32_mul').op('i32_add');
    f.get(acc0).lane('f64x2_extract_lane', 0).get(acc0).lane('f64x2_extract_lane', 1).op('f64_add');
    f.get(acc1).lane('f64x2_extract_lane', 0).get(acc1).lane('f64x2_extract_lane', 1).op('f64_add');
    f.op('f64_add').get(t).op('f64_add').get(area).op('f64_div').op('f32_demote_f64').mem('f32_store');
  });
  m.addFunction(f);
}

const poolModule = new KernelModule('pool (simd)', (m) => {
  for (const kind of ['max', 'avg'] as const) for (const s of [1, 2] as const) emitPool(m, kind, s);
  emitPlaneMean(m);
});

/** Planes per block: as many whole input and output planes as BLOCK_FLOATS holds each (0: a plane is too large). */
function planesPerBlock(planeIn: number, planeOut: number, total: number): number {
  return Math.min(total, Math.floor(BLOCK_FLOATS / Math.max(planeIn, planeOut, 1)));
}

/** True when the simd pooling kernels take this call (float32 data, column stride 1 or 2, planes that fit a block). */
export function poolSimdApplies(x: PoolPlanes, g: WindowGeometry | null): boolean {
  const planeOut = g === null ? 1 : g.outH * g.outW;
  return x.x instanceof Float32Array && (g === null || g.sw === 1 || g.sw === 2) && planesPerBlock(x.height * x.width, planeOut, 1) >= 1;
}

/** Copies planes [p0, p0 + count) of x (plane p = image p / c, channel p % c) densely into dst. */
function gatherPlanes(x: PoolPlanes, p0: number, count: number, dst: Float32Array): void {
  const { c, height, width, sN, sC, sH, sW } = x;
  const src = x.x as Float32Array;
  const plane = height * width;
  const rowsDense = sW === 1 && sH === width;
  if (rowsDense && sC === plane) {
    // the planes of one image are back to back; so are all of them when the images are too
    const b0 = Math.floor(p0 / c);
    if (sN === c * plane || b0 === Math.floor((p0 + count - 1) / c)) {
      const first = x.xOff + b0 * sN + (p0 % c) * sC;
      dst.set(src.subarray(first, first + count * plane));
      return;
    }
  }
  for (let k = 0; k < count; k++) {
    const p = p0 + k;
    const base = x.xOff + Math.floor(p / c) * sN + (p % c) * sC;
    const d = k * plane;
    if (rowsDense) {
      dst.set(src.subarray(base, base + plane), d);
    } else if (sW === 1) {
      for (let h = 0; h < height; h++) dst.set(src.subarray(base + h * sH, base + h * sH + width), d + h * width);
    } else {
      for (let h = 0, o = d; h < height; h++) {
        for (let w = 0, s = base + h * sH; w < width; w++, s += sW) dst[o++] = src[s]!;
      }
    }
  }
}

/** Output columns whose window is inside [0, width): [owLo, owHi). */
function interiorColumns(g: WindowGeometry): [number, number] {
  const lo = Math.min(g.outW, Math.ceil(g.pw / g.sw));
  const hi = Math.max(lo, Math.min(g.outW, Math.floor((g.width + g.pw - g.kw) / g.sw) + 1));
  return [lo, hi];
}

function poolBlocks(kind: Kind, x: PoolPlanes, g: WindowGeometry, values: Float32Array, indices: Int32Array | null): void {
  const total = x.n * x.c;
  const plane = x.height * x.width;
  const planeOut = g.outH * g.outW;
  const per = planesPerBlock(plane, planeOut, total);
  const [owLo, owHi] = interiorColumns(g);
  poolModule.reset();
  // 64 spare bytes: the stride-2 loads read up to 4 floats past a window's last tap
  const xAddr = poolModule.alloc(per * plane * 4 + 64);
  const vAddr = poolModule.alloc(per * planeOut * 4);
  const iAddr = kind === 'max' ? poolModule.alloc(per * planeOut * 4) : 0;
  const fn = poolModule.exports[`${kind}_s${g.sw}`]!;
  const xb = poolModule.f32(xAddr, per * plane);
  const vb = poolModule.f32(vAddr, per * planeOut);
  const ib = kind === 'max' ? poolModule.i32(iAddr, per * planeOut) : null;
  const third = kind === 'max' ? iAddr : g.kh * g.kw;
  for (let p0 = 0; p0 < total; p0 += per) {
    const count = Math.min(per, total - p0);
    gatherPlanes(x, p0, count, xb);
    fn(xAddr, vAddr, third, count, x.height, x.width, g.kh, g.kw, g.sh, g.ph, g.pw, g.outH, g.outW, owLo, owHi);
    values.set(count === per ? vb : vb.subarray(0, count * planeOut), p0 * planeOut);
    if (ib !== null) indices!.set(count === per ? ib : ib.subarray(0, count * planeOut), p0 * planeOut);
  }
}

/** maxPool2dJs on WebAssembly SIMD128 (float32, column stride 1 or 2: see poolSimdApplies). Exact. */
export function maxPool2dSimd(x: PoolPlanes, g: WindowGeometry, values: Float32Array, indices: Int32Array): void {
  poolBlocks('max', x, g, values, indices);
}

/** avgPool2dJs on WebAssembly SIMD128 (float32, column stride 1 or 2). Exact (float64 window sums). */
export function avgPool2dSimd(x: PoolPlanes, g: WindowGeometry, out: Float32Array): void {
  poolBlocks('avg', x, g, out, null);
}

/** adaptiveAvgPool2d1Js on WebAssembly SIMD128 (float32): float64 lane sums, so within summation order of js. */
export function adaptiveAvgPool2d1Simd(x: PoolPlanes, out: Float32Array): void {
  const total = x.n * x.c;
  const plane = x.height * x.width;
  const per = planesPerBlock(plane, 1, total);
  poolModule.reset();
  const xAddr = poolModule.alloc(per * plane * 4);
  const oAddr = poolModule.alloc(per * 4);
  const mean1 = poolModule.exports.mean1!;
  const xb = poolModule.f32(xAddr, per * plane);
  const ob = poolModule.f32(oAddr, per);
  for (let p0 = 0; p0 < total; p0 += per) {
    const count = Math.min(per, total - p0);
    gatherPlanes(x, p0, count, xb);
    mean1(xAddr, oAddr, count, plane, plane);
    out.set(count === per ? ob : ob.subarray(0, count), p0);
  }
}
