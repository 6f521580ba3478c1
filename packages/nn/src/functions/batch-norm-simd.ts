// The simd batch_norm loops for float32: WebAssembly SIMD128 twins of the four js loops in ./batch-norm-chunks.ts
// (their oracles: bnStatsJs, bnNormalizeJs, bnGradSumsJs, bnInputGradJs), over a chunk's channel range.
//
// x (and g) are (N, C, S) contiguous: channel c of image n is the run of S floats at (n*C + c)*S. A block is a
// group of channels [ca, cb) for a range of images: for each image one TypedArray.set of the (cb - ca)*S floats,
// at most BLOCK_FLOATS floats per operand (a run longer than that stays on js), so the module memory is bounded
// whatever the calls. Outputs go back with one set per image.
//
// All arithmetic is float64, as in js: each float32 is widened with f64x2.promote_low_f32x4 (lanes 0-1 of a
// load, and lanes 2-3 after an i8x16.shuffle), two f64x2 per four floats.
//  - normalize (y = x*scale + shift) and inputGrad (k*(dy - mean(dy) - xhat*mean(dy*xhat)), or k*dy) do the js
//    loop's float64 operations element by element in the same order and round once with
//    f32x4.demote_f64x2_zero: the bits are the js loop's.
//  - stats (sum, then the sum of squared deviations from the mean) and gradSums (sum dy, sum dy*xhat) add in four
//    float64 lanes per channel (lane k takes the run elements i = k mod 4, over every image in order) plus a
//    scalar tail for the last S mod 4 elements of each run, combined as ((l0 + l1) + (l2 + l3)) + tail. js adds
//    serially (gradSums per image, then over images), so the sums differ by summation order only: each is within
//    (M - 1) * 2^-53 * sum|term| of the exact sum, so within 2M * 2^-53 * sum|term| of the other (M = N*S). The
//    lanes run over the whole channel in a fixed order whatever the blocks and chunks, so the bits do not depend
//    on the thread count.
//
// Measured with the copies, one thread on the shared 2-core EPYC (median ms, js -> simd, batch 32; two runs, the
// machine was loaded): 16x32x32: stats 1.1-2.7 -> 0.3-0.4, normalize 0.8-1.3 -> 0.3-0.5, gradSums 0.9-1.4 ->
// 0.4-0.5, inputGrad 1.2-2.2 -> 0.55-1.1; 32x16x16: 0.59/0.52/0.51/0.82 -> 0.16/0.15/0.19/0.29; 64x8x8:
// 0.29/0.26/0.26/0.41 -> 0.10/0.09/0.11/0.17. The public batchNorm forward + backward at 16x32x32: 12.6 -> 4.8.
// All four are faster than js, so all stay on simd.
import { wasm } from '@adder/tensor';

type Local = wasm.Local;
type Builder = wasm.FunctionBuilder;
type ValType = wasm.ValType;
const { FunctionBuilder, KernelModule } = wasm;
const { i32, f64, v128 } = wasm.ValType;

/** Floats per operand per block (512 KiB). */
export const BLOCK_FLOATS = 1 << 17;
/** Bytes of accumulator per channel: stats 4 lanes + tail; gradSums 2 x (4 lanes + tail). */
const ACC_BYTES = 96;

/** A function over `runs` runs of S floats, `stride` floats apart: params, then the per-4 and per-1 bodies. */
interface RunsSpec {
  name: string;
  /** Extra parameters after (runs, stride, S): pointers (byte addresses of the first run) are i32, scalars f64. */
  params: ReadonlyArray<readonly [string, ValType]>;
  /** Emitted once before the runs (load accumulators, splat scalars). */
  before(f: Builder, l: (n: string) => Local): void;
  /** Four elements at byte offset `off` (local) from each pointer. */
  four(f: Builder, l: (n: string) => Local, off: Local): void;
  /** One element at byte offset `off`. */
  one(f: Builder, l: (n: string) => Local, off: Local): void;
  /** Emitted once after the runs (store accumulators). */
  after(f: Builder, l: (n: string) => Local): void;
  /** Extra locals: name and type. */
  locals: ReadonlyArray<readonly [string, ValType]>;
}

/**
 * name(runs, stride, S, ...params): for r < runs, for the S floats at byte offset off = 4*(r*stride + i) from
 * each pointer parameter, four at a time then one at a time.
 */
function emitRuns(m: wasm.ModuleBuilder, spec: RunsSpec): void {
  const f = new FunctionBuilder(spec.name, [['runs', i32], ['stride', i32], ['S', i32], ...spec.params]);
  for (const [n, t] of spec.locals) f.local(n, t);
  const l = (n: string): Local => f.arg(n);
  const r = f.local('r', i32), off = f.local('off', i32), end4 = f.local('end4', i32), end = f.local('end', i32);
  spec.before(f, l);
  f.forRange(r, () => void f.i32(0), () => void f.get(l('runs')), 1, () => {
    f.get(r).get(l('stride')).op('i32_mul').i32(4).op('i32_mul').tee(off);
    f.get(l('S')).i32(-4).op('i32_and').i32(4).op('i32_mul').op('i32_add').set(end4);
    f.get(off).get(l('S')).i32(4).op('i32_mul').op('i32_add').set(end);
    f.forRange(off, () => void f.get(off), () => void f.get(end4), 16, () => spec.four(f, l, off));
    f.forRange(off, () => void f.get(off), () => void f.get(end), 4, () => spec.one(f, l, off));
  });
  spec.after(f, l);
  m.addFunction(f);
}

/** Pushes the address pointer + off. */
function at(f: Builder, p: Local, off: Local): Builder {
  return f.get(p).get(off).op('i32_add');
}

/** From a v128 of four f32 in local v: sets lo = f64x2(lanes 0, 1) and hi = f64x2(lanes 2, 3). */
function widen(f: Builder, v: Local, lo: Local, hi: Local): void {
  f.get(v).simd('f64x2_promote_low_f32x4').set(lo);
  f.get(v).get(v).shuffle32(2, 3, 2, 3).simd('f64x2_promote_low_f32x4').set(hi);
}

/** Pushes the f32x4 of two f64x2 locals (demoted: round to nearest). */
function narrow(f: Builder, lo: Local, hi: Local): void {
  f.get(lo).simd('f32x4_demote_f64x2_zero').get(hi).simd('f32x4_demote_f64x2_zero').shuffle32(0, 1, 4, 5);
}

const WIDE: ReadonlyArray<readonly [string, ValType]> = [['v', v128], ['lo', v128], ['hi', v128], ['w', v128], ['wlo', v128], ['whi', v128]];

/** Lane sums: a0 (lanes 0-1), a1 (lanes 2-3), t (tail) loaded from and stored to acc + base. */
function accLoad(f: Builder, acc: Local, base: number, a0: Local, a1: Local, t: Local): void {
  f.get(acc).vmem('v128_load', base).set(a0);
  f.get(acc).vmem('v128_load', base + 16).set(a1);
  f.get(acc).mem('f64_load', base + 32).set(t);
}
function accStore(f: Builder, acc: Local, base: number, a0: Local, a1: Local, t: Local): void {
  f.get(acc).get(a0).vmem('v128_store', base);
  f.get(acc).get(a1).vmem('v128_store', base + 16);
  f.get(acc).get(t).mem('f64_store', base + 32);
}

const bnModule = new KernelModule('batch_norm (simd)', (m) => {
  // sum(x): acc (4 lanes + tail)
  emitRuns(m, {
    name: 'sum', params: [['x', i32], ['acc', i32]],
    locals: [...WIDE, ['a0', v128], ['a1', v128], ['t', f64]],
    before: (f, l) => accLoad(f, l('acc'), 0, l('a0'), l('a1'), l('t')),
    four: (f, l, off) => {
      at(f, l('x'), off).vmem('v128_load').set(l('v'));
      widen(f, l('v'), l('lo'), l('hi'));
      f.get(l('a0')).get(l('lo')).simd('f64x2_add').set(l('a0'));
      f.get(l('a1')).get(l('hi')).simd('f64x2_add').set(l('a1'));
    },
    one: (f, l, off) => void at(f.get(l('t')), l('x'), off).mem('f32_load').op('f64_promote_f32').op('f64_add').set(l('t')),
    after: (f, l) => accStore(f, l('acc'), 0, l('a0'), l('a1'), l('t')),
  });
  // sum((x - mu)^2): acc (4 lanes + tail)
  emitRuns(m, {
    name: 'sqdev', params: [['x', i32], ['mu', f64], ['acc', i32]],
    locals: [...WIDE, ['a0', v128], ['a1', v128], ['t', f64], ['muv', v128], ['d', f64]],
    before: (f, l) => {
      accLoad(f, l('acc'), 0, l('a0'), l('a1'), l('t'));
      f.get(l('mu')).simd('f64x2_splat').set(l('muv'));
    },
    four: (f, l, off) => {
      at(f, l('x'), off).vmem('v128_load').set(l('v'));
      widen(f, l('v'), l('lo'), l('hi'));
      f.get(l('lo')).get(l('muv')).simd('f64x2_sub').tee(l('lo')).get(l('lo')).simd('f64x2_mul').get(l('a0')).simd('f64x2_add').set(l('a0'));
      f.get(l('hi')).get(l('muv')).simd('f64x2_sub').tee(l('hi')).get(l('hi')).simd('f64x2_mul').get(l('a1')).simd('f64x2_add').set(l('a1'));
    },
    one: (f, l, off) => {
      at(f, l('x'), off).mem('f32_load').op('f64_promote_f32').get(l('mu')).op('f64_sub').set(l('d'));
      f.get(l('t')).get(l('d')).get(l('d')).op('f64_mul').op('f64_add').set(l('t'));
    },
    after: (f, l) => accStore(f, l('acc'), 0, l('a0'), l('a1'), l('t')),
  });
  // y = x*scale + shift
  emitRuns(m, {
    name: 'affine', params: [['x', i32], ['y', i32], ['scale', f64], ['shift', f64]],
    locals: [...WIDE, ['sv', v128], ['tv', v128]],
    before: (f, l) => {
      f.get(l('scale')).simd('f64x2_splat').set(l('sv'));
      f.get(l('shift')).simd('f64x2_splat').set(l('tv'));
    },
    four: (f, l, off) => {
      at(f, l('x'), off).vmem('v128_load').set(l('v'));
      widen(f, l('v'), l('lo'), l('hi'));
      f.get(l('lo')).get(l('sv')).simd('f64x2_mul').get(l('tv')).simd('f64x2_add').set(l('lo'));
      f.get(l('hi')).get(l('sv')).simd('f64x2_mul').get(l('tv')).simd('f64x2_add').set(l('hi'));
      at(f, l('y'), off);
      narrow(f, l('lo'), l('hi'));
      f.vmem('v128_store');
    },
    one: (f, l, off) => {
      at(f, l('y'), off);
      at(f, l('x'), off).mem('f32_load').op('f64_promote_f32').get(l('scale')).op('f64_mul').get(l('shift')).op('f64_add').op('f32_demote_f64').mem('f32_store');
    },
    after: () => undefined,
  });
  // sum(g) and sum(g * (x - mu) * is): acc (4 lanes + tail) at 0 and at 48
  emitRuns(m, {
    name: 'gradsums', params: [['x', i32], ['g', i32], ['mu', f64], ['is', f64], ['acc', i32]],
    locals: [...WIDE, ['a0', v128], ['a1', v128], ['t', f64], ['b0', v128], ['b1', v128], ['u', f64], ['muv', v128], ['isv', v128], ['gv', f64]],
    before: (f, l) => {
      accLoad(f, l('acc'), 0, l('a0'), l('a1'), l('t'));
      accLoad(f, l('acc'), 48, l('b0'), l('b1'), l('u'));
      f.get(l('mu')).simd('f64x2_splat').set(l('muv'));
      f.get(l('is')).simd('f64x2_splat').set(l('isv'));
    },
    four: (f, l, off) => {
      at(f, l('x'), off).vmem('v128_load').set(l('v'));
      widen(f, l('v'), l('lo'), l('hi'));
      at(f, l('g'), off).vmem('v128_load').set(l('w'));
      widen(f, l('w'), l('wlo'), l('whi'));
      f.get(l('a0')).get(l('wlo')).simd('f64x2_add').set(l('a0'));
      f.get(l('a1')).get(l('whi')).simd('f64x2_add').set(l('a1'));
      // (g * (x - mu)) * is, as js evaluates gv * (x - mu) * is
      f.get(l('wlo')).get(l('lo')).get(l('muv')).simd('f64x2_sub').simd('f64x2_mul').get(l('isv')).simd('f64x2_mul').get(l('b0')).simd('f64x2_add').set(l('b0'));
      f.get(l('whi')).get(l('hi')).get(l('muv')).simd('f64x2_sub').simd('f64x2_mul').get(l('isv')).simd('f64x2_mul').get(l('b1')).simd('f64x2_add').set(l('b1'));
    },
    one: (f, l, off) => {
      at(f, l('g'), off).mem('f32_load').op('f64_promote_f32').set(l('gv'));
      f.get(l('t')).get(l('gv')).op('f64_add').set(l('t'));
      f.get(l('u')).get(l('gv'));
      at(f, l('x'), off).mem('f32_load').op('f64_promote_f32').get(l('mu')).op('f64_sub').op('f64_mul').get(l('is')).op('f64_mul').op('f64_add').set(l('u'));
    },
    after: (f, l) => {
      accStore(f, l('acc'), 0, l('a0'), l('a1'), l('t'));
      accStore(f, l('acc'), 48, l('b0'), l('b1'), l('u'));
    },
  });
  // dx = k * ((g - mg) - ((x - mu) * is) * mgx)
  emitRuns(m, {
    name: 'inputgrad', params: [['x', i32], ['g', i32], ['dx', i32], ['mu', f64], ['is', f64], ['k', f64], ['mg', f64], ['mgx', f64]],
    locals: [...WIDE, ['muv', v128], ['isv', v128], ['kv', v128], ['mgv', v128], ['mgxv', v128]],
    before: (f, l) => {
      for (const [s, v] of [['mu', 'muv'], ['is', 'isv'], ['k', 'kv'], ['mg', 'mgv'], ['mgx', 'mgxv']] as const) f.get(l(s)).simd('f64x2_splat').set(l(v));
    },
    four: (f, l, off) => {
      at(f, l('x'), off).vmem('v128_load').set(l('v'));
      widen(f, l('v'), l('lo'), l('hi'));
      at(f, l('g'), off).vmem('v128_load').set(l('w'));
      widen(f, l('w'), l('wlo'), l('whi'));
      for (const [xs, gs] of [['lo', 'wlo'], ['hi', 'whi']] as const) {
        f.get(l('kv')).get(l(gs)).get(l('mgv')).simd('f64x2_sub');
        f.get(l(xs)).get(l('muv')).simd('f64x2_sub').get(l('isv')).simd('f64x2_mul').get(l('mgxv')).simd('f64x2_mul');
        f.simd('f64x2_sub').simd('f64x2_mul').set(l(xs));
      }
      at(f, l('dx'), off);
      narrow(f, l('lo'), l('hi'));
      f.vmem('v128_store');
    },
    one: (f, l, off) => {
      at(f, l('dx'), off);
      f.get(l('k'));
      at(f, l('g'), off).mem('f32_load').op('f64_promote_f32').get(l('mg')).op('f64_sub');
      at(f, l('x'), off).mem('f32_load').op('f64_promote_f32').get(l('mu')).op('f64_sub').get(l('is')).op('f64_mul').get(l('mgx')).op('f64_mul');
      f.op('f64_sub').op('f64_mul').op('f32_demote_f64').mem('f32_store');
    },
    after: () => undefined,
  });
  // dx = k * g
  emitRuns(m, {
    name: 'scale', params: [['g', i32], ['dx', i32], ['k', f64]],
    locals: [...WIDE, ['kv', v128]],
    before: (f, l) => void f.get(l('k')).simd('f64x2_splat').set(l('kv')),
    four: (f, l, off) => {
      at(f, l('g'), off).vmem('v128_load').set(l('w'));
      widen(f, l('w'), l('wlo'), l('whi'));
      f.get(l('kv')).get(l('wlo')).simd('f64x2_mul').set(l('wlo'));
      f.get(l('kv')).get(l('whi')).simd('f64x2_mul').set(l('whi'));
      at(f, l('dx'), off);
      narrow(f, l('wlo'), l('whi'));
      f.vmem('v128_store');
    },
    one: (f, l, off) => {
      at(f, l('dx'), off);
      f.get(l('k'));
      at(f, l('g'), off).mem('f32_load').op('f64_promote_f32').op('f64_mul').op('f32_demote_f64').mem('f32_store');
    },
    after: () => undefined,
  });
});

/** The (N, C, S) layout and the chunk's channel range. */
export interface BnShape {
  N: number;
  C: number;
  S: number;
  c0: number;
  c1: number;
}

/** Channels per group and images per block for runs of S floats (group 0: a run is too long for a block). */
function blocking(sh: BnShape): { group: number; images: number } {
  const runs = Math.floor(BLOCK_FLOATS / Math.max(sh.S, 1));
  if (runs === 0) return { group: 0, images: 0 };
  const group = Math.max(1, Math.min(sh.c1 - sh.c0, Math.floor(runs / Math.max(sh.N, 1))));
  return { group, images: Math.max(1, Math.min(sh.N, Math.floor(runs / group))) };
}

/** True when the simd loops take runs of S floats (S at most BLOCK_FLOATS). */
export function bnSimdApplies(S: number): boolean {
  return S <= BLOCK_FLOATS;
}

/** Copies the runs of channels [ca, cb) of images [na, nb) of src (offset off) into dst, image by image. */
function copyIn(src: Float32Array, off: number, sh: BnShape, ca: number, cb: number, na: number, nb: number, dst: Float32Array): void {
  const len = (cb - ca) * sh.S;
  for (let n = na; n < nb; n++) {
    const s = off + (n * sh.C + ca) * sh.S;
    dst.set(src.subarray(s, s + len), (n - na) * len);
  }
}

/** Copies a block back: the inverse of copyIn into dst (offset 0). */
function copyOut(src: Float32Array, sh: BnShape, ca: number, cb: number, na: number, nb: number, dst: Float32Array): void {
  const len = (cb - ca) * sh.S;
  for (let n = na; n < nb; n++) dst.set(src.subarray((n - na) * len, (n - na + 1) * len), (n * sh.C + ca) * sh.S);
}

/** Lays out the module memory for one call: `operands` blocks of BLOCK floats and the accumulators. */
function setUp(sh: BnShape, operands: number, group: number, images: number): { blocks: number[]; views: Float32Array[]; acc: number; accView: Float64Array } {
  bnModule.reset();
  const floats = group * images * sh.S;
  const blocks: number[] = [];
  for (let i = 0; i < operands; i++) blocks.push(bnModule.alloc(floats * 4));
  const acc = bnModule.alloc(group * ACC_BYTES);
  const views = blocks.map((b) => bnModule.f32(b, floats));
  const accView = bnModule.f64(acc, group * (ACC_BYTES / 8));
  return { blocks, views, acc, accView };
}

/** ((l0 + l1) + (l2 + l3)) + tail of the accumulator at float64 index i. */
function total(a: Float64Array, i: number): number {
  return (a[i]! + a[i + 1]!) + (a[i + 2]! + a[i + 3]!) + a[i + 4]!;
}

/** bnStatsJs over channels [c0, c1) on WebAssembly SIMD128: mean, biased variance and 1/sqrt(var + eps). */
export function bnStatsSimd(sh: BnShape, x: Float32Array, xo: number, eps: number, mean: Float64Array, varBiased: Float64Array, invstd: Float64Array): void {
  const { N, S, c0, c1 } = sh;
  const M = N * S;
  const { group, images } = blocking(sh);
  const { blocks, views, acc, accView } = setUp(sh, 1, group, images);
  const e = bnModule.exports;
  const sum = e.sum!, sqdev = e.sqdev!;
  const resident = images === N; // every image of a group fits: copy once for both passes
  for (let ca = c0; ca < c1; ca += group) {
    const cb = Math.min(c1, ca + group);
    const g = cb - ca;
    accView.fill(0);
    for (let pass = 0; pass < 2; pass++) {
      for (let na = 0; na < N; na += images) {
        const nb = Math.min(N, na + images);
        if (!resident || pass === 0) copyIn(x, xo, sh, ca, cb, na, nb, views[0]!);
        for (let c = 0; c < g; c++) {
          const xp = blocks[0]! + c * S * 4;
          if (pass === 0) sum(nb - na, g * S, S, xp, acc + c * ACC_BYTES);
          else sqdev(nb - na, g * S, S, xp, mean[ca + c]!, acc + c * ACC_BYTES);
        }
      }
      for (let c = 0; c < g; c++) {
        const s = total(accView, c * (ACC_BYTES / 8));
        if (pass === 0) {
          mean[ca + c] = s / M;
        } else {
          varBiased[ca + c] = s / M;
          invstd[ca + c] = 1 / Math.sqrt(s / M + eps);
        }
      }
      accView.fill(0);
    }
  }
}

/** bnNormalizeJs over channels [c0, c1): y = x * scale + shift, scale = w * invstd, shift = b - mean * scale. Exact. */
export function bnNormalizeSimd(sh: BnShape, x: Float32Array, xo: number, y: Float32Array, w: Float64Array, b: Float64Array, mean: Float64Array, invstd: Float64Array): void {
  const { N, S, c0, c1 } = sh;
  const { group, images } = blocking(sh);
  const { blocks, views } = setUp(sh, 2, group, images);
  const affine = bnModule.exports.affine!;
  for (let ca = c0; ca < c1; ca += group) {
    const cb = Math.min(c1, ca + group);
    const g = cb - ca;
    for (let na = 0; na < N; na += images) {
      const nb = Math.min(N, na + images);
      copyIn(x, xo, sh, ca, cb, na, nb, views[0]!);
      for (let c = 0; c < g; c++) {
        const scale = w[ca + c]! * invstd[ca + c]!;
        const shift = b[ca + c]! - mean[ca + c]! * scale;
        affine(nb - na, g * S, S, blocks[0]! + c * S * 4, blocks[1]! + c * S * 4, scale, shift);
      }
      copyOut(views[1]!, sh, ca, cb, na, nb, y);
    }
  }
}

/** bnGradSumsJs over channels [c0, c1): sumG[c] += sum(dy), sumGX[c] += sum(dy * xhat), in float64 lanes. */
export function bnGradSumsSimd(
  sh: BnShape, x: Float32Array, xo: number, g: Float32Array, go: number,
  mean: Float64Array, invstd: Float64Array, sumG: Float64Array, sumGX: Float64Array,
): void {
  const { N, S, c0, c1 } = sh;
  const { group, images } = blocking(sh);
  const { blocks, views, acc, accView } = setUp(sh, 2, group, images);
  const gradsums = bnModule.exports.gradsums!;
  for (let ca = c0; ca < c1; ca += group) {
    const cb = Math.min(c1, ca + group);
    const gs = cb - ca;
    accView.fill(0);
    for (let na = 0; na < N; na += images) {
      const nb = Math.min(N, na + images);
      copyIn(x, xo, sh, ca, cb, na, nb, views[0]!);
      copyIn(g, go, sh, ca, cb, na, nb, views[1]!);
      for (let c = 0; c < gs; c++) {
        gradsums(nb - na, gs * S, S, blocks[0]! + c * S * 4, blocks[1]! + c * S * 4, mean[ca + c]!, invstd[ca + c]!, acc + c * ACC_BYTES);
      }
    }
    for (let c = 0; c < gs; c++) {
      sumG[ca + c] = sumG[ca + c]! + total(accView, c * (ACC_BYTES / 8));
      sumGX[ca + c] = sumGX[ca + c]! + total(accView, c * (ACC_BYTES / 8) + 6);
    }
  }
}

/** bnInputGradJs over channels [c0, c1). Exact. */
export function bnInputGradSimd(
  sh: BnShape, x: Float32Array, xo: number, g: Float32Array, go: number, dx: Float32Array,
  w: Float64Array, mean: Float64Array, invstd: Float64Array, sumG: Float64Array, sumGX: Float64Array, batch: boolean,
): void {
  const { N, S, c0, c1 } = sh;
  const M = N * S;
  const { group, images } = blocking(sh);
  const { blocks, views } = setUp(sh, 3, group, images);
  const inputgrad = bnModule.exports.inputgrad!, scale = bnModule.exports.scale!;
  for (let ca = c0; ca < c1; ca += group) {
    const cb = Math.min(c1, ca + group);
    const gs = cb - ca;
    for (let na = 0; na < N; na += images) {
      const nb = Math.min(N, na + images);
      if (batch) copyIn(x, xo, sh, ca, cb, na, nb, views[0]!);
      copyIn(g, go, sh, ca, cb, na, nb, views[1]!);
      for (let c = 0; c < gs; c++) {
        const k = w[ca + c]! * invstd[ca + c]!;
        const o = c * S * 4;
        if (batch) {
          inputgrad(nb - na, gs * S, S, blocks[0]! + o, blocks[1]! + o, blocks[2]! + o, mean[ca + c]!, invstd[ca + c]!, k, sumG[ca + c]! / M, sumGX[ca + c]! / M);
        } else {
          scale(nb - na, gs * S, S, blocks[1]! + o, blocks[2]! + o, k);
        }
      }
      copyOut(views[2]!, sh, ca, cb, na, nb, dx);
    }
  }
}
