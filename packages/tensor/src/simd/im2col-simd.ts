// The simd im2col and col2im of one (C, H, W) image for float32: WebAssembly SIMD128 twins of the js loops in
// ../im2col.ts (their oracles: im2colImageJs and col2imImageAddJs).
//
// Both work on blocks of whole channels: the block's operands are copied into the module memory (one
// TypedArray.set when they are dense, a strided gather otherwise), transformed there and copied back with one
// set. A block holds at most BLOCK_FLOATS floats of columns and as many of image; a channel larger than that
// stays on js, so the module memory is bounded whatever the calls. Column strides other than 1 and 2 stay on js.
//
// im2col: for each row r = (c, i, j) and output row oh, the valid output columns [lo, hi) (the js loop's bounds,
// passed as a table per j) are copied four at a time (stride 1: one unaligned v128.load/store; stride 2: two
// loads and an even-lane i8x16.shuffle), the rest zero-filled. A pure copy: the bits are the js loop's.
// col2im: the same traversal adds cols into the output image, four output columns per f32x4.add (stride 2: the
// four values are interleaved with -0, which leaves the untouched neighbours unchanged, x + -0 = x). Each
// output element receives its additions in the js loop's order (c, i, j, oh), each a float32 add rounded once
// as the js `out[d] = out[d] + v` on a Float32Array: the bits are the js loop's.
//
// Measured with the copies, per-image kernel calls over a batch of 32, one thread on the shared 2-core EPYC
// (median ms, js -> simd, 3x3 pad 1; two runs, the machine was loaded): 16x32x32 stride 1: im2col 7.3-11.6 ->
// 1.7, col2im 9.5-13.4 -> 2.6; stride 2: im2col 3.2-4.8 -> 0.6-1.0, col2im 3.7-6.6 -> 1.3-1.5; 32x16x16:
// im2col 6.2-13.3 -> 1.8, col2im 6.9-15.0 -> 1.8-2.6; 64x8x8: im2col 3.4-5.0 -> 0.8-1.7, col2im 3.5-9.7 ->
// 0.8-1.8. Both are faster than js, so both stay on simd.
import type { WindowGeometry } from '../conv-geometry';
import { FunctionBuilder, type Local } from '../wasm/function-builder';
import type { ModuleBuilder } from '../wasm/module-builder';
import { ValType } from '../wasm/opcodes';
import { KernelModule } from '../wasm/runtime';

const { i32, v128 } = ValType;

/** Column floats per block (1 MiB). */
export const BLOCK_FLOATS = 1 << 18;

type Kind = 'im2col' | 'col2im';

const NAMES = ['xp', 'cp', 'table', 'channels', 'H', 'W', 'kh', 'kw', 'sh', 'ph', 'dh', 'outH', 'outW'] as const;

/**
 * <kind>_s<S>(xp, cp, table, channels, H, W, kh, kw, sh, ph, dh, outH, outW) over `channels` dense H x W planes
 * at xp and the (channels*kh*kw, outH*outW) columns at cp. table holds, per j, [lo, hi, shift]: the valid
 * output columns and the tap's column offset j*dw - pw. im2col writes cp; col2im adds cp into xp.
 */
function emitKernel(m: ModuleBuilder, kind: Kind, S: 1 | 2): void {
  const f = new FunctionBuilder(`${kind}_s${S}`, NAMES.map((n) => [n, i32] as const));
  const [xp, cp, table, channels, H, W, kh, kw, sh, ph, dh, outH, outW] = NAMES.map((n) => f.arg(n)) as Local[] as [
    Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local,
  ];
  const c = f.local('c', i32), i = f.local('i', i32), j = f.local('j', i32), oh = f.local('oh', i32), ow = f.local('ow', i32);
  const h = f.local('h', i32), lo = f.local('lo', i32), hi = f.local('hi', i32), shift = f.local('shift', i32);
  const xc = f.local('xc', i32), row = f.local('row', i32), d = f.local('d', i32), src = f.local('src', i32), L4 = f.local('L4', i32);
  const t = f.local('t', i32), end = f.local('end', i32);
  const vz = f.local('vz', v128), cv = f.local('cv', v128);
  const get = (l: Local) => (): void => void f.get(l);

  f.get(outH).get(outW).op('i32_mul').i32(4).op('i32_mul').set(L4);
  f.f32x4(kind === 'im2col' ? 0 : -0).set(vz);
  f.get(cp).set(row);

  /** im2col: zero-fills the floats [d, end) (byte addresses). */
  const zeros = (): void => {
    f.forRange(d, get(d), () => void f.get(end).i32(12).op('i32_sub'), 16, () => void f.get(d).get(vz).vmem('v128_store'));
    f.forRange(d, get(d), get(end), 4, () => void f.get(d).f32(0).mem('f32_store'));
  };

  f.forRange(c, () => void f.i32(0), get(channels), 1, () => {
    f.get(xp).get(c).get(H).op('i32_mul').get(W).op('i32_mul').i32(4).op('i32_mul').op('i32_add').set(xc);
    f.forRange(i, () => void f.i32(0), get(kh), 1, () => {
      f.forRange(j, () => void f.i32(0), get(kw), 1, () => {
        f.get(table).get(j).i32(12).op('i32_mul').op('i32_add').set(t);
        f.get(t).mem('i32_load', 0).set(lo);
        f.get(t).mem('i32_load', 4).set(hi);
        f.get(t).mem('i32_load', 8).set(shift);
        f.forRange(oh, () => void f.i32(0), get(outH), 1, () => {
          // d = row + oh*outW*4 (the output row's first column); h = oh*sh - ph + i*dh
          f.get(row).get(oh).get(outW).op('i32_mul').i32(4).op('i32_mul').op('i32_add').set(d);
          f.get(oh).get(sh).op('i32_mul').get(ph).op('i32_sub').get(i).get(dh).op('i32_mul').op('i32_add').set(h);
          const inside = (): void => void f.get(h).i32(0).op('i32_ge_s').get(h).get(H).op('i32_lt_s').op('i32_and');
          if (kind === 'im2col') {
            inside();
            f.ifElse(
              () => {
                f.get(d).get(lo).i32(4).op('i32_mul').op('i32_add').set(end);
                zeros();
                // src = xc + (h*W + lo*S + shift)*4; copy [lo, hi)
                f.get(xc).get(h).get(W).op('i32_mul').get(lo).i32(S).op('i32_mul').op('i32_add').get(shift).op('i32_add').i32(4).op('i32_mul').op('i32_add').set(src);
                f.get(row).get(oh).get(outW).op('i32_mul').get(hi).op('i32_add').i32(4).op('i32_mul').op('i32_add').set(end);
                f.forRange(d, get(d), () => void f.get(end).i32(12).op('i32_sub'), 16, () => {
                  f.get(d);
                  if (S === 1) f.get(src).vmem('v128_load');
                  else f.get(src).vmem('v128_load').get(src).vmem('v128_load', 16).shuffle32(0, 2, 4, 6);
                  f.vmem('v128_store');
                  f.get(src).i32(16 * S).op('i32_add').set(src);
                });
                f.forRange(d, get(d), get(end), 4, () => {
                  f.get(d).get(src).mem('f32_load').mem('f32_store');
                  f.get(src).i32(4 * S).op('i32_add').set(src);
                });
                f.get(row).get(oh).i32(1).op('i32_add').get(outW).op('i32_mul').i32(4).op('i32_mul').op('i32_add').set(end);
                zeros();
              },
              () => {
                f.get(d).get(outW).i32(4).op('i32_mul').op('i32_add').set(end);
                zeros();
              },
            );
          } else {
            inside();
            f.ifElse(() => {
              // src = d + lo*4 (cols); dst = xc + (h*W + lo*S + shift)*4 (image), for ow in [lo, hi)
              f.get(d).get(lo).i32(4).op('i32_mul').op('i32_add').set(src);
              f.get(xc).get(h).get(W).op('i32_mul').get(lo).i32(S).op('i32_mul').op('i32_add').get(shift).op('i32_add').i32(4).op('i32_mul').op('i32_add').set(d);
              f.forRange(ow, get(lo), () => void f.get(hi).i32(3).op('i32_sub'), 4, () => {
                f.get(src).vmem('v128_load').set(cv);
                if (S === 1) {
                  f.get(d).get(d).vmem('v128_load').get(cv).simd('f32x4_add').vmem('v128_store');
                } else {
                  f.get(d).get(d).vmem('v128_load').get(cv).get(vz).shuffle32(0, 4, 1, 4).simd('f32x4_add').vmem('v128_store');
                  f.get(d).get(d).vmem('v128_load', 16).get(cv).get(vz).shuffle32(2, 4, 3, 4).simd('f32x4_add').vmem('v128_store', 16);
                }
                f.get(src).i32(16).op('i32_add').set(src);
                f.get(d).i32(16 * S).op('i32_add').set(d);
              });
              f.forRange(ow, get(ow), get(hi), 1, () => {
                f.get(d).get(d).mem('f32_load').get(src).mem('f32_load').op('f32_add').mem('f32_store');
                f.get(src).i32(4).op('i32_add').set(src);
                f.get(d).i32(4 * S).op('i32_add').set(d);
              });
            });
          }
        });
        f.get(row).get(L4).op('i32_add').set(row);
      });
    });
  });
  m.addFunction(f);
}

const im2colModule = new KernelModule('im2col (simd)', (m) => {
  for (const kind of ['im2col', 'col2im'] as const) for (const s of [1, 2] as const) emitKernel(m, kind, s);
});

/** First output column whose tap (ow*stride + shift) lies at or after `bound` (clamped to [0, outW]); as in ../im2col.ts. */
function firstAtOrAfter(bound: number, shift: number, stride: number, outW: number): number {
  const v = Math.ceil((bound - shift) / stride);
  return v < 0 ? 0 : v > outW ? outW : v;
}

/** Channels per block: as many as BLOCK_FLOATS of columns and BLOCK_FLOATS of image hold (0: one channel is too large). */
function channelsPerBlock(g: WindowGeometry, channels: number): number {
  const cols = Math.floor(BLOCK_FLOATS / Math.max(g.kh * g.kw * g.outH * g.outW, 1));
  const image = Math.floor(BLOCK_FLOATS / Math.max(g.height * g.width, 1));
  return Math.min(channels, cols, image);
}

/** True when the simd kernels take this geometry: column stride 1 or 2 and a channel's columns fit a block. */
export function im2colSimdApplies(g: WindowGeometry): boolean {
  return (g.sw === 1 || g.sw === 2) && channelsPerBlock(g, 1) >= 1;
}

/** Lays out the module memory for one call: the image block, the column block and the [lo, hi, shift] table. */
function setUp(g: WindowGeometry, perBlock: number): { xAddr: number; cAddr: number; tAddr: number } {
  const { kh, kw, sw, pw, dw, width, outH, outW } = g;
  im2colModule.reset();
  // 64 spare bytes after each: the stride-2 vectors touch up to 4 floats past the last tap
  const xAddr = im2colModule.alloc(perBlock * g.height * width * 4 + 64);
  const cAddr = im2colModule.alloc(perBlock * kh * kw * outH * outW * 4 + 64);
  const tAddr = im2colModule.alloc(kw * 12);
  const table = im2colModule.i32(tAddr, 3 * kw);
  for (let j = 0; j < kw; j++) {
    const shift = j * dw - pw;
    const lo = firstAtOrAfter(0, shift, sw, outW);
    table[3 * j] = lo;
    table[3 * j + 1] = Math.max(lo, firstAtOrAfter(width, shift, sw, outW));
    table[3 * j + 2] = shift;
  }
  return { xAddr, cAddr, tAddr };
}

/** im2colImageJs for float32 on WebAssembly SIMD128 (see im2colSimdApplies). */
export function im2colImageSimd(
  x: Float32Array, xOff: number, sC: number, sH: number, sW: number, channels: number,
  g: WindowGeometry, cols: Float32Array, colsOff: number,
): void {
  const { kh, kw, height, width, outH, outW } = g;
  const per = channelsPerBlock(g, channels);
  if (per === 0) return;
  const plane = height * width;
  const rowsPer = kh * kw * outH * outW;
  const { xAddr, cAddr, tAddr } = setUp(g, per);
  const fn = im2colModule.exports[`im2col_s${g.sw}`]!;
  const xb = im2colModule.f32(xAddr, per * plane);
  const cb = im2colModule.f32(cAddr, per * rowsPer);
  for (let c0 = 0; c0 < channels; c0 += per) {
    const count = Math.min(per, channels - c0);
    const base = xOff + c0 * sC;
    if (sW === 1 && sH === width && (sC === plane || count === 1)) {
      xb.set(x.subarray(base, base + count * plane));
    } else {
      for (let c = 0, o = 0; c < count; c++) {
        for (let h = 0; h < height; h++) {
          for (let w = 0, s = base + c * sC + h * sH; w < width; w++, s += sW) xb[o++] = x[s]!;
        }
      }
    }
    fn(xAddr, cAddr, tAddr, count, height, width, kh, kw, g.sh, g.ph, g.dh, outH, outW);
    cols.set(count === per ? cb : cb.subarray(0, count * rowsPer), colsOff + c0 * rowsPer);
  }
}

/** col2imImageAddJs for float32 on WebAssembly SIMD128 (see im2colSimdApplies). */
export function col2imImageAddSimd(
  cols: Float32Array, colsOff: number, rowStride: number, colStride: number, channels: number,
  g: WindowGeometry, out: Float32Array, outOff: number,
): void {
  const { kh, kw, height, width, outH, outW } = g;
  const per = channelsPerBlock(g, channels);
  if (per === 0) return;
  const plane = height * width;
  const L = outH * outW;
  const rowsPer = kh * kw;
  const { xAddr, cAddr, tAddr } = setUp(g, per);
  const fn = im2colModule.exports[`col2im_s${g.sw}`]!;
  const xb = im2colModule.f32(xAddr, per * plane);
  const cb = im2colModule.f32(cAddr, per * rowsPer * L);
  for (let c0 = 0; c0 < channels; c0 += per) {
    const count = Math.min(per, channels - c0);
    const o = outOff + c0 * plane;
    xb.set(out.subarray(o, o + count * plane));
    const base = colsOff + c0 * rowsPer * rowStride;
    if (colStride === 1 && (rowStride === L || count * rowsPer === 1)) {
      cb.set(cols.subarray(base, base + count * rowsPer * L));
    } else {
      for (let r = 0, d = 0; r < count * rowsPer; r++) {
        for (let l = 0, s = base + r * rowStride; l < L; l++, s += colStride) cb[d++] = cols[s]!;
      }
    }
    fn(xAddr, cAddr, tAddr, count, height, width, kh, kw, g.sh, g.ph, g.dh, outH, outW);
    out.set(count === per ? xb : xb.subarray(0, count * plane), o);
  }
}
