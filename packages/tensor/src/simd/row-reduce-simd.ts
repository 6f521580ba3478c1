// The simd row reductions: sums (sum, mean) and extrema (max, min values) of contiguous float32 rows on
// WebAssembly SIMD128, twins of the js kernels 'reduce.rowSum', 'reduce.rowMax', 'reduce.rowMin' of ../reduce.ts
// (rowSumsJs, rowMaxJs, rowMinJs: the oracles).
//
// Sums. The js loop adds the row in order into one float64 accumulator. Here each float32 pair is promoted to
// f64x2 (f64x2.promote_low_f32x4 of a 64-bit zero-load) and added into one of four f64x2 accumulators (eight
// float64 partial sums, element i into partial i % 8), the remaining len % 8 elements into a scalar float64 in
// order; the result is ((acc0 + acc1) + (acc2 + acc3)) lane 0 + lane 1, + the scalar. A row longer than BLOCK is
// summed BLOCK elements at a time (piece sums added in order, in float64). Every element enters exactly (float32
// -> float64 is exact), so the two backends differ only in the order of the float64 additions: each is within
// (len - 1) * 2^-53 * sum|x| of the exact sum, hence |simd - js| <= len * 2^-52 * sum|x| before the one rounding
// to the output dtype (which may then differ by one float32 ulp when the two straddle a rounding boundary).
// NaN, +-Infinity and the empty row behave as in js (no partial sum of float32 values can overflow float64).
// The order depends on len only, never on the number of rows per call, so a split by rows (the worker pool) does
// not change the bits.
//
// Extrema. f32x4.max / f32x4.min in four accumulators, then across lanes and over the len % 16 tail with f32.max
// / f32.min: NaN propagates as in js. The value is unique except for the sign of zero: where the row's extremum
// is 0, the js loop keeps the first element equal to 0 (+0 or -0), and so does the caller here, by looking it up.
// (Indices, argmax/argmin, stay on js.)
//
// Layout: rows are copied into the module's memory ROW_BLOCK elements at a time (several short rows per block),
// the float64 sums / float32 extrema come back through a fixed output buffer (192 KiB of module memory in all).
//
// Measured: 1M float32 elements, one thread, 2-core EPYC shared with other jobs (load ~3), median of 7; ns per
// element, js -> simd, copies included. Row sums: 1 x 1M 1.76 -> 0.28, 1024 x 1024 1.80 -> 0.36, 16384 x 64
// 1.82 -> 0.36, 131072 x 8 2.32 -> 1.30. Row max: 1 x 1M 6.48 -> 0.52, 1024 x 1024 3.71 -> 0.56, 16384 x 64
// 4.43 -> 1.04, 131072 x 8 6.14 -> 5.34 (rows this short are per-row overhead on both backends). None is slower
// than js, so none stays there; below 64 elements in all the simd kernels run the js loop (../reduce.ts).
import { FunctionBuilder } from '../wasm/function-builder';
import type { ModuleBuilder } from '../wasm/module-builder';
import { ValType } from '../wasm/opcodes';
import { KernelModule, type KernelExports } from '../wasm/runtime';

/** Elements per copy block (a multiple of 16). */
export const ROW_BLOCK = 16_384;

const { i32, f32, f64, v128 } = ValType;

/** rowsums(src, rows, len, dst): dst[r] (float64) = sum of row r of `rows` contiguous float32 rows of `len`. */
function emitRowSums(m: ModuleBuilder): void {
  const f = new FunctionBuilder('rowsums', [['src', i32], ['rows', i32], ['len', i32], ['dst', i32]]);
  const [src, rows, len, dst] = [f.arg('src'), f.arg('rows'), f.arg('len'), f.arg('dst')];
  const r = f.local('r', i32), p = f.local('p', i32), end8 = f.local('end8', i32), end = f.local('end', i32);
  const t = f.local('t', f64), s = f.local('s', v128);
  const acc = [0, 1, 2, 3].map((k) => f.local(`acc${k}`, v128));
  f.get(src).set(p);
  f.forRange(r, () => f.i32(0), () => f.get(rows), 1, () => {
    for (const a of acc) f.f32x4(0).set(a);
    f.f64(0).set(t);
    f.get(p).get(len).i32(-8).op('i32_and').i32(4).op('i32_mul').op('i32_add').set(end8);
    f.get(p).get(len).i32(4).op('i32_mul').op('i32_add').set(end);
    f.block((done) => {
      f.get(p).get(end8).op('i32_ge_u').brIf(done);
      f.loop((top) => {
        for (let k = 0; k < 4; k++) {
          f.get(acc[k]!).get(p).vmem('v128_load64_zero', 8 * k).simd('f64x2_promote_low_f32x4').simd('f64x2_add').set(acc[k]!);
        }
        f.get(p).i32(32).op('i32_add').tee(p).get(end8).op('i32_lt_u').brIf(top);
      });
    });
    f.block((done) => {
      f.get(p).get(end).op('i32_ge_u').brIf(done);
      f.loop((top) => {
        f.get(t).get(p).mem('f32_load').op('f64_promote_f32').op('f64_add').set(t);
        f.get(p).i32(4).op('i32_add').tee(p).get(end).op('i32_lt_u').brIf(top);
      });
    });
    f.get(acc[0]!).get(acc[1]!).simd('f64x2_add').get(acc[2]!).get(acc[3]!).simd('f64x2_add').simd('f64x2_add').set(s);
    f.get(dst).get(r).i32(8).op('i32_mul').op('i32_add');
    f.get(s).lane('f64x2_extract_lane', 0).get(s).lane('f64x2_extract_lane', 1).op('f64_add').get(t).op('f64_add');
    f.mem('f64_store');
  });
  m.addFunction(f);
}

/** rowmax / rowmin(src, rows, len, dst): dst[r] (float32) = extremum of row r (len >= 1), NaN-propagating. */
function emitRowExtremum(m: ModuleBuilder, wantMax: boolean): void {
  const f = new FunctionBuilder(wantMax ? 'rowmax' : 'rowmin', [['src', i32], ['rows', i32], ['len', i32], ['dst', i32]]);
  const [src, rows, len, dst] = [f.arg('src'), f.arg('rows'), f.arg('len'), f.arg('dst')];
  const vop = wantMax ? 'f32x4_max' : 'f32x4_min';
  const sop = wantMax ? 'f32_max' : 'f32_min';
  const r = f.local('r', i32), p = f.local('p', i32), end16 = f.local('end16', i32), end = f.local('end', i32);
  const best = f.local('best', f32), s = f.local('s', v128);
  const acc = [0, 1, 2, 3].map((k) => f.local(`acc${k}`, v128));
  f.get(src).set(p);
  f.forRange(r, () => f.i32(0), () => f.get(rows), 1, () => {
    for (const a of acc) f.get(p).vmem('v128_load32_splat').set(a); // the first element: max(x, x) = x
    f.get(p).get(len).i32(-16).op('i32_and').i32(4).op('i32_mul').op('i32_add').set(end16);
    f.get(p).get(len).i32(4).op('i32_mul').op('i32_add').set(end);
    f.block((done) => {
      f.get(p).get(end16).op('i32_ge_u').brIf(done);
      f.loop((top) => {
        for (let k = 0; k < 4; k++) f.get(acc[k]!).get(p).vmem('v128_load', 16 * k).simd(vop).set(acc[k]!);
        f.get(p).i32(64).op('i32_add').tee(p).get(end16).op('i32_lt_u').brIf(top);
      });
    });
    f.get(acc[0]!).get(acc[1]!).simd(vop).get(acc[2]!).get(acc[3]!).simd(vop).simd(vop).set(s);
    f.get(s).lane('f32x4_extract_lane', 0).get(s).lane('f32x4_extract_lane', 1).op(sop);
    f.get(s).lane('f32x4_extract_lane', 2).get(s).lane('f32x4_extract_lane', 3).op(sop).op(sop).set(best);
    f.block((done) => {
      f.get(p).get(end).op('i32_ge_u').brIf(done);
      f.loop((top) => {
        f.get(best).get(p).mem('f32_load').op(sop).set(best);
        f.get(p).i32(4).op('i32_add').tee(p).get(end).op('i32_lt_u').brIf(top);
      });
    });
    f.get(dst).get(r).i32(4).op('i32_mul').op('i32_add').get(best).mem('f32_store');
  });
  m.addFunction(f);
}

const rowModule = new KernelModule('row reductions (simd)', (m) => {
  emitRowSums(m);
  emitRowExtremum(m, true);
  emitRowExtremum(m, false);
});

interface RowBlocks {
  exports: KernelExports;
  srcAddr: number;
  dstAddr: number;
  src: Float32Array;
  sums: Float64Array;
  extrema: Float32Array;
}
let blocks: RowBlocks | null = null;

function blocksOf(): RowBlocks {
  // a view over a detached buffer (after memory.grow) has length 0
  if (blocks !== null && blocks.src.length === ROW_BLOCK) return blocks;
  const mod = rowModule;
  mod.reset();
  const srcAddr = mod.alloc(4 * ROW_BLOCK), dstAddr = mod.alloc(8 * ROW_BLOCK);
  const src = mod.f32(srcAddr, ROW_BLOCK);
  blocks = {
    exports: mod.exports, srcAddr, dstAddr, src,
    sums: new Float64Array(src.buffer, dstAddr, ROW_BLOCK), extrema: mod.f32(dstAddr, ROW_BLOCK),
  };
  return blocks;
}

/** Bytes of memory the row-reduction module holds on this thread (fixed: the block buffers). */
export function rowReduceSimdMemoryBytes(): number {
  return rowModule.memoryBytes;
}

/**
 * o[oo + r] = s / divisor (s when divisor is 1) for the float64 sum s of row r of `outer` contiguous float32
 * rows of `len` starting at d[base], on WebAssembly SIMD128.
 */
export function rowSumsWasm(d: Float32Array, base: number, outer: number, len: number, o: Float32Array | Float64Array, oo: number, divisor: number): void {
  if (outer <= 0) return;
  if (len === 0) {
    for (let r = 0; r < outer; r++) o[oo + r] = divisor === 1 ? 0 : 0 / divisor;
    return;
  }
  const k = blocksOf();
  const fn = k.exports.rowsums!;
  if (len <= ROW_BLOCK) {
    const per = Math.floor(ROW_BLOCK / len);
    for (let r0 = 0; r0 < outer; r0 += per) {
      const rows = Math.min(per, outer - r0);
      k.src.set(d.subarray(base + r0 * len, base + (r0 + rows) * len));
      fn(k.srcAddr, rows, len, k.dstAddr);
      const sums = k.sums;
      for (let i = 0; i < rows; i++) o[oo + r0 + i] = divisor === 1 ? sums[i]! : sums[i]! / divisor;
    }
    return;
  }
  for (let r = 0; r < outer; r++) {
    const start = base + r * len;
    let acc = 0;
    for (let s = 0; s < len; s += ROW_BLOCK) {
      const piece = Math.min(ROW_BLOCK, len - s);
      k.src.set(d.subarray(start + s, start + s + piece));
      fn(k.srcAddr, 1, piece, k.dstAddr);
      acc += k.sums[0]!;
    }
    o[oo + r] = divisor === 1 ? acc : acc / divisor;
  }
}

/**
 * o[oo + r] = max (wantMax) or min of row r of `outer` contiguous float32 rows of `len` >= 1 starting at d[base],
 * on WebAssembly SIMD128, with the js loop's NaN and signed-zero results.
 */
export function rowExtremaWasm(d: Float32Array, base: number, outer: number, len: number, o: Float32Array, oo: number, wantMax: boolean): void {
  if (outer <= 0) return;
  if (len <= 0) throw new RangeError('row extrema (simd): a row needs at least one element');
  const k = blocksOf();
  const fn = (wantMax ? k.exports.rowmax : k.exports.rowmin)!;
  const store = (r: number, v: number): void => {
    if (v === 0) {
      // the extremum is a zero: the js loop keeps the first zero of the row, +0 or -0
      const start = base + r * len;
      let i = 0;
      while (d[start + i] !== 0) i++;
      v = d[start + i]!;
    }
    o[oo + r] = v;
  };
  if (len <= ROW_BLOCK) {
    const per = Math.floor(ROW_BLOCK / len);
    for (let r0 = 0; r0 < outer; r0 += per) {
      const rows = Math.min(per, outer - r0);
      k.src.set(d.subarray(base + r0 * len, base + (r0 + rows) * len));
      fn(k.srcAddr, rows, len, k.dstAddr);
      const ex = k.extrema;
      for (let i = 0; i < rows; i++) store(r0 + i, ex[i]!);
    }
    return;
  }
  for (let r = 0; r < outer; r++) {
    const start = base + r * len;
    let best = NaN;
    for (let s = 0; s < len; s += ROW_BLOCK) {
      const piece = Math.min(ROW_BLOCK, len - s);
      k.src.set(d.subarray(start + s, start + s + piece));
      fn(k.srcAddr, 1, piece, k.dstAddr);
      const v = k.extrema[0]!;
      if (s === 0 || v !== v) best = v;
      else if (wantMax ? v > best : v < best) best = v;
      if (best !== best) break;
    }
    store(r, best);
  }
}
