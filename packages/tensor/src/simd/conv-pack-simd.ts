// The im2col side of the simd conv2d, done inside the module on a zero-padded image P[c][hp][wp] (float32):
// the column of output position j = (oy, ox) and tap d = (c, ky, kx) is P[c, oy*sh + ky*dh, ox*sw + kx*dw],
// i.e. the float at  base(j) + off(d)  with base(j) = oy*sh*wp + ox*sw and off(d) = c*hp*wp + ky*dh*wp + kx*dw.
// Three functions read or write that matrix without ever storing it (an implicit GEMM):
//   packPositions  B[d, j] for conv2d forward, as 16-position strips (the GEMM's B packing);
//   packTaps       B[j, d] for the weight gradient, as 16-tap strips;
//   scatterPositions  P[base(j) + off(d)] += C[d, j], col2im for the input gradient.
// Their js oracle is im2colImage / col2imImageAdd (../im2col.ts) followed by the js GEMM's packB.
// Where 16 positions lie on one output row and sw = 1, the 16 floats are consecutive: 4 v128 loads or stores.
import { FunctionBuilder, type Local } from '../wasm/function-builder';
import type { ModuleBuilder } from '../wasm/module-builder';
import { ValType } from '../wasm/opcodes';
import { KC, NR } from './gemm-simd';

const { i32 } = ValType;
const LANES = NR; // 16 positions (or taps) per strip

type Params = Record<string, Local>;

function fn(name: string, params: string[]): { f: FunctionBuilder; a: Params } {
  const f = new FunctionBuilder(name, params.map((p) => [p, i32] as const));
  const a: Params = {};
  for (const p of params) a[p] = f.arg(p);
  return { f, a };
}

/** Emits base[t] = (oy*sh)*wp + ox*sw for position j = first + t (lanes past `count` repeat lane 0). */
function emitPositionBases(f: FunctionBuilder, a: Params, first: Local, count: Local, bases: Local[], oy: Local, ox: Local): void {
  for (let t = 0; t < LANES; t++) {
    f.i32(t).get(count).op('i32_lt_s').ifElse(
      () => {
        f.get(first).i32(t).op('i32_add').get(a.wo!).op('i32_div_u').set(oy);
        f.get(first).i32(t).op('i32_add').get(oy).get(a.wo!).op('i32_mul').op('i32_sub').set(ox);
        f.get(oy).get(a.sh!).op('i32_mul').get(a.wp!).op('i32_mul').get(ox).get(a.sw!).op('i32_mul').op('i32_add').set(bases[t]!);
      },
      () => void f.get(bases[0]!).set(bases[t]!),
    );
  }
}

/** Emits: contiguous = sw == 1 && count >= 16 && all 16 positions on first's output row. */
function emitContiguous(f: FunctionBuilder, a: Params, first: Local, count: Local, contiguous: Local): void {
  f.get(a.sw!).i32(1).op('i32_eq');
  f.get(count).i32(LANES).op('i32_ge_s').op('i32_and');
  f.get(first).get(a.wo!).op('i32_rem_u').i32(LANES - 1).op('i32_add').get(a.wo!).op('i32_lt_u').op('i32_and');
  f.set(contiguous);
}

/**
 * Emits a loop over taps d = (c, ky, kx) in order, keeping off = c*plane + ky*dh*wp + kx*dw in `off`;
 * body() runs once per tap. The taps run from d = 0 to cin*kh*kw - 1.
 */
function emitTapLoop(f: FunctionBuilder, a: Params, off: Local, body: () => void): void {
  const c = f.local(`c${f.name}`, i32), ky = f.local(`ky${f.name}`, i32), kx = f.local(`kx${f.name}`, i32);
  f.forRange(c, () => f.i32(0), () => f.get(a.cin!), 1, () => {
    f.forRange(ky, () => f.i32(0), () => f.get(a.kh!), 1, () => {
      f.forRange(kx, () => f.i32(0), () => f.get(a.kw!), 1, () => {
        f.get(c).get(a.plane!).op('i32_mul').get(ky).get(a.dh!).op('i32_mul').get(a.wp!).op('i32_mul').op('i32_add');
        f.get(kx).get(a.dw!).op('i32_mul').op('i32_add').set(off);
        body();
      });
    });
  });
}

/**
 * packPositions(src, wp, plane, cin, kh, kw, sh, sw, dh, dw, wo, j0, nc, ncPad, k, dst): the forward conv's
 * B panel, depth k = cin*kh*kw by positions [j0, j0+nc), in the GEMM's layout: KC-deep blocks one after another
 * (block b at float b*KC*ncPad), each holding ncPad/16 strips of kcb x 16 (kcb = min(KC, k - b*KC)).
 */
function emitPackPositions(m: ModuleBuilder): void {
  const { f, a } = fn('packPositions', ['src', 'wp', 'plane', 'cin', 'kh', 'kw', 'sh', 'sw', 'dh', 'dw', 'wo', 'j0', 'nc', 'ncPad', 'k', 'dst']);
  const js = f.local('js', i32), first = f.local('first', i32), count = f.local('count', i32);
  const oy = f.local('oy', i32), ox = f.local('ox', i32), contiguous = f.local('contiguous', i32);
  const off = f.local('off', i32), pin = f.local('pin', i32), blk = f.local('blk', i32), kcb = f.local('kcb', i32);
  const out = f.local('out', i32), from = f.local('from', i32);
  const bases = Array.from({ length: LANES }, (_, t) => f.local(`base${t}`, i32));
  // out = dst + (blk*KC*ncPad + js*kcb + pin*16)*4, advanced by 64 bytes a tap and rebased at each block
  const rebase = (): void => {
    f.get(a.k!).get(blk).i32(KC).op('i32_mul').op('i32_sub').set(kcb);
    f.get(kcb).i32(KC).op('i32_gt_s').ifElse(() => void f.i32(KC).set(kcb));
    f.get(a.dst!).get(blk).i32(KC).op('i32_mul').get(a.ncPad!).op('i32_mul').get(js).get(kcb).op('i32_mul').op('i32_add').i32(4).op('i32_mul').op('i32_add').set(out);
  };
  f.forRange(js, () => f.i32(0), () => f.get(a.ncPad!), LANES, () => {
    f.get(a.j0!).get(js).op('i32_add').set(first);
    f.get(a.nc!).get(js).op('i32_sub').set(count);
    f.i32(0).set(bases[0]!);
    emitPositionBases(f, a, first, count, bases, oy, ox);
    emitContiguous(f, a, first, count, contiguous);
    f.i32(0).set(blk).i32(0).set(pin);
    rebase();
    emitTapLoop(f, a, off, () => {
      f.get(contiguous).ifElse(
        () => {
          f.get(a.src!).get(bases[0]!).get(off).op('i32_add').i32(4).op('i32_mul').op('i32_add').set(from);
          for (let v = 0; v < LANES / 4; v++) f.get(out).get(from).vmem('v128_load', 16 * v).vmem('v128_store', 16 * v);
        },
        () => {
          for (let t = 0; t < LANES; t++) {
            f.get(out).get(a.src!).get(bases[t]!).get(off).op('i32_add').i32(4).op('i32_mul').op('i32_add').mem('f32_load').mem('f32_store', 4 * t);
          }
        },
      );
      f.get(out).i32(4 * LANES).op('i32_add').set(out);
      f.get(pin).i32(1).op('i32_add').tee(pin).i32(KC).op('i32_eq').ifElse(() => {
        f.i32(0).set(pin);
        f.get(blk).i32(1).op('i32_add').set(blk);
        rebase();
      });
    });
  });
  m.addFunction(f);
}

/**
 * scatterPositions(dst, wp, plane, cin, kh, kw, sh, sw, dh, dw, wo, j0, nc, ncPad, d0, rows, c, table): col2im of
 * C rows [d0, d0+rows) (taps) by positions [j0, j0+nc) (row stride ncPad floats, row d0 at c) into the padded
 * gradient image: P[base(j) + off(d)] += C[d, j]. Strips ascending, taps ascending within a strip.
 * `table` is 16 i32 of scratch (the lane bases of a partial strip).
 */
function emitScatterPositions(m: ModuleBuilder): void {
  const { f, a } = fn('scatterPositions', ['dst', 'wp', 'plane', 'cin', 'kh', 'kw', 'sh', 'sw', 'dh', 'dw', 'wo', 'j0', 'nc', 'ncPad', 'd0', 'rows', 'c', 'table']);
  const js = f.local('js', i32), first = f.local('first', i32), count = f.local('count', i32);
  const oy = f.local('oy', i32), ox = f.local('ox', i32), contiguous = f.local('contiguous', i32);
  const off = f.local('off', i32), d = f.local('d', i32), row = f.local('row', i32), to = f.local('to', i32), t = f.local('t', i32);
  const bases = Array.from({ length: LANES }, (_, i) => f.local(`base${i}`, i32));
  const cc = f.local('cc', i32), ky = f.local('ky', i32), kx = f.local('kx', i32), taps = f.local('taps', i32);
  f.get(a.kh!).get(a.kw!).op('i32_mul').set(taps);
  f.forRange(js, () => f.i32(0), () => f.get(a.nc!), LANES, () => {
    f.get(a.j0!).get(js).op('i32_add').set(first);
    f.get(a.nc!).get(js).op('i32_sub').set(count);
    f.i32(0).set(bases[0]!);
    emitPositionBases(f, a, first, count, bases, oy, ox);
    emitContiguous(f, a, first, count, contiguous);
    for (let i = 0; i < LANES; i++) f.get(a.table!).get(bases[i]!).mem('i32_store', 4 * i);
    // (cc, ky, kx) of tap d0
    f.get(a.d0!).get(taps).op('i32_div_u').set(cc);
    f.get(a.d0!).get(cc).get(taps).op('i32_mul').op('i32_sub').get(a.kw!).op('i32_div_u').set(ky);
    f.get(a.d0!).get(cc).get(taps).op('i32_mul').op('i32_sub').get(ky).get(a.kw!).op('i32_mul').op('i32_sub').set(kx);
    f.forRange(d, () => f.i32(0), () => f.get(a.rows!), 1, () => {
      f.get(cc).get(a.plane!).op('i32_mul').get(ky).get(a.dh!).op('i32_mul').get(a.wp!).op('i32_mul').op('i32_add');
      f.get(kx).get(a.dw!).op('i32_mul').op('i32_add').set(off);
      // row = c + (d*ncPad + js)*4
      f.get(a.c!).get(d).get(a.ncPad!).op('i32_mul').get(js).op('i32_add').i32(4).op('i32_mul').op('i32_add').set(row);
      f.get(contiguous).ifElse(
        () => {
          f.get(a.dst!).get(bases[0]!).get(off).op('i32_add').i32(4).op('i32_mul').op('i32_add').set(to);
          for (let v = 0; v < LANES / 4; v++) {
            f.get(to).get(to).vmem('v128_load', 16 * v).get(row).vmem('v128_load', 16 * v).simd('f32x4_add').vmem('v128_store', 16 * v);
          }
        },
        () => {
          // only the count valid lanes: the padded columns of C must not reach the image
          f.forRange(t, () => f.i32(0), () => {
            f.get(count).i32(LANES).get(count).i32(LANES).op('i32_lt_s').op('select');
          }, 1, () => {
            f.get(a.dst!).get(a.table!).get(t).i32(4).op('i32_mul').op('i32_add').mem('i32_load').get(off).op('i32_add').i32(4).op('i32_mul').op('i32_add').set(to);
            f.get(to).get(to).mem('f32_load').get(row).get(t).i32(4).op('i32_mul').op('i32_add').mem('f32_load').op('f32_add').mem('f32_store');
          });
        },
      );
      // next tap
      f.get(kx).i32(1).op('i32_add').tee(kx).get(a.kw!).op('i32_eq').ifElse(() => {
        f.i32(0).set(kx);
        f.get(ky).i32(1).op('i32_add').tee(ky).get(a.kh!).op('i32_eq').ifElse(() => {
          f.i32(0).set(ky);
          f.get(cc).i32(1).op('i32_add').set(cc);
        });
      });
    });
  });
  m.addFunction(f);
}

/**
 * packTaps(src, wp, plane, kh, kw, sh, sw, dh, dw, wo, l0, kcb, d0, ncPad, depth, dst): the weight gradient's
 * B block, positions [l0, l0+kcb) by taps [d0, d0+ncPad), as ncPad/16 strips of kcb x 16 at dst
 * (B[l, d] = P[base(l) + off(d)]; taps past `depth` repeat tap d0, their columns are never read back).
 * With sw = 1, four positions on one output row are four consecutive floats per tap: 4 v128 loads (4 taps x
 * 4 positions) and a 4x4 transpose by shuffles give the 4 positions' rows of 4 taps.
 */
function emitPackTaps(m: ModuleBuilder): void {
  const { f, a } = fn('packTaps', ['src', 'wp', 'plane', 'kh', 'kw', 'sh', 'sw', 'dh', 'dw', 'wo', 'l0', 'kcb', 'd0', 'ncPad', 'depth', 'dst']);
  const ds = f.local('ds', i32), d = f.local('d', i32), cc = f.local('cc', i32), ky = f.local('ky', i32), kx = f.local('kx', i32);
  const taps = f.local('taps', i32), l = f.local('l', i32), oy = f.local('oy', i32), ox = f.local('ox', i32), base = f.local('base', i32);
  const out = f.local('out', i32), rowStep = f.local('rowStep', i32);
  const offs = Array.from({ length: LANES }, (_, t) => f.local(`off${t}`, i32));
  const v = Array.from({ length: 4 }, (_, r) => f.local(`v${r}`, ValType.v128));
  const tr = Array.from({ length: 4 }, (_, r) => f.local(`t${r}`, ValType.v128));
  f.get(a.kh!).get(a.kw!).op('i32_mul').set(taps);
  f.get(a.sh!).get(a.wp!).op('i32_mul').set(rowStep);
  f.get(a.dst!).set(out);
  f.forRange(ds, () => f.i32(0), () => f.get(a.ncPad!), LANES, () => {
    for (let t = 0; t < LANES; t++) {
      f.get(a.d0!).get(ds).op('i32_add').i32(t).op('i32_add').set(d);
      f.get(d).get(a.depth!).op('i32_ge_s').ifElse(() => void f.get(a.d0!).set(d));
      f.get(d).get(taps).op('i32_div_u').set(cc);
      f.get(d).get(cc).get(taps).op('i32_mul').op('i32_sub').set(d); // tap within the channel
      f.get(d).get(a.kw!).op('i32_div_u').set(ky);
      f.get(d).get(ky).get(a.kw!).op('i32_mul').op('i32_sub').set(kx);
      f.get(cc).get(a.plane!).op('i32_mul').get(ky).get(a.dh!).op('i32_mul').get(a.wp!).op('i32_mul').op('i32_add');
      f.get(kx).get(a.dw!).op('i32_mul').op('i32_add').set(offs[t]!);
    }
    // position l0 = (oy, ox)
    f.get(a.l0!).get(a.wo!).op('i32_div_u').set(oy);
    f.get(a.l0!).get(oy).get(a.wo!).op('i32_mul').op('i32_sub').set(ox);
    f.get(oy).get(rowStep).op('i32_mul').get(ox).get(a.sw!).op('i32_mul').op('i32_add').set(base);
    // addr[t] = src + 4*off(d0+ds+t): a lane's byte address is base*4 + addr[t]
    for (let t = 0; t < LANES; t++) f.get(a.src!).get(offs[t]!).i32(4).op('i32_mul').op('i32_add').set(offs[t]!);
    f.i32(0).set(l);
    f.block((done) => {
      f.loop((top) => {
        f.get(l).get(a.kcb!).op('i32_ge_s').brIf(done);
        // 4 positions on one output row with sw = 1: load each tap's 4 consecutive floats, transpose 4x4
        f.get(a.sw!).i32(1).op('i32_eq').get(ox).i32(3).op('i32_add').get(a.wo!).op('i32_lt_s').op('i32_and');
        f.get(l).i32(3).op('i32_add').get(a.kcb!).op('i32_lt_s').op('i32_and');
        f.ifElse(
          () => {
            for (let q = 0; q < LANES / 4; q++) {
              for (let r = 0; r < 4; r++) f.get(base).i32(4).op('i32_mul').get(offs[4 * q + r]!).op('i32_add').vmem('v128_load').set(v[r]!);
              // t0 = (v0[0], v1[0], v0[1], v1[1]), t1 = (v0[2], v1[2], v0[3], v1[3]), t2, t3 likewise of v2, v3
              f.get(v[0]!).get(v[1]!).shuffle32(0, 4, 1, 5).set(tr[0]!);
              f.get(v[0]!).get(v[1]!).shuffle32(2, 6, 3, 7).set(tr[1]!);
              f.get(v[2]!).get(v[3]!).shuffle32(0, 4, 1, 5).set(tr[2]!);
              f.get(v[2]!).get(v[3]!).shuffle32(2, 6, 3, 7).set(tr[3]!);
              // position i's 4 taps: (v0[i], v1[i], v2[i], v3[i])
              f.get(out).get(tr[0]!).get(tr[2]!).shuffle32(0, 1, 4, 5).vmem('v128_store', 16 * q);
              f.get(out).get(tr[0]!).get(tr[2]!).shuffle32(2, 3, 6, 7).vmem('v128_store', 4 * LANES + 16 * q);
              f.get(out).get(tr[1]!).get(tr[3]!).shuffle32(0, 1, 4, 5).vmem('v128_store', 8 * LANES + 16 * q);
              f.get(out).get(tr[1]!).get(tr[3]!).shuffle32(2, 3, 6, 7).vmem('v128_store', 12 * LANES + 16 * q);
            }
            f.get(out).i32(16 * LANES).op('i32_add').set(out);
            f.get(l).i32(4).op('i32_add').set(l);
            f.get(ox).i32(4).op('i32_add').set(ox);
            f.get(base).i32(4).op('i32_add').set(base);
          },
          () => {
            for (let t = 0; t < LANES; t++) f.get(out).get(base).i32(4).op('i32_mul').get(offs[t]!).op('i32_add').mem('f32_load').mem('f32_store', 4 * t);
            f.get(out).i32(4 * LANES).op('i32_add').set(out);
            f.get(l).i32(1).op('i32_add').set(l);
            f.get(ox).i32(1).op('i32_add').set(ox);
            f.get(base).get(a.sw!).op('i32_add').set(base);
          },
        );
        f.get(ox).get(a.wo!).op('i32_eq').ifElse(() => {
          f.i32(0).set(ox);
          f.get(oy).i32(1).op('i32_add').tee(oy).get(rowStep).op('i32_mul').set(base);
        });
        f.br(top);
      });
    });
  });
  m.addFunction(f);
}

/** Adds the three im2col functions to a module (which also holds the GEMM block). */
export function emitConvPacking(m: ModuleBuilder): void {
  emitPackPositions(m);
  emitScatterPositions(m);
  emitPackTaps(m);
}
