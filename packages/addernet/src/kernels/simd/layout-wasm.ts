// WebAssembly copies between an image's plain NCHW planes and the layouts the simd adder kernels read: the
// zero-padded image (stride 1) and the stride phase planes of phase-planes.ts (which, for stride 1, are the padded
// image). The kernels' modules each add these functions; JS only copies whole plain images in and out with
// TypedArray.set (element loops in JS cost 1-3 ns per float on the 2-core EPYC, a third of the kernel time on the
// 16x32x32 layer). Pure data movement: the js kernels' counterpart is padImageRows (../padInput.ts), and the
// kernels' property tests against their js twins check these copies too.
import { wasm } from '@adder/tensor';

type FunctionBuilder = wasm.FunctionBuilder;
type Local = wasm.Local;

const { i32 } = wasm.ValType;

/** local = ceil(num / s) for num on the stack, 0 when num <= 0 (s > 0). */
function ceilDivOrZero(f: FunctionBuilder, num: Local, s: Local, out: Local): void {
  f.get(num).i32(0).op('i32_le_s').ifElse(
    () => f.i32(0).set(out),
    () => f.get(num).get(s).op('i32_add').i32(1).op('i32_sub').get(s).op('i32_div_u').set(out),
  );
}

/** Zeros floats [from, to) of the row at byte address `row` (v128 stores, then single floats). */
function zeroRange(f: FunctionBuilder, row: Local, from: Local, to: Local, j: Local): void {
  f.get(from).set(j);
  f.block((done) => {
    f.loop((top) => {
      f.get(j).i32(4).op('i32_add').get(to).op('i32_gt_s').brIf(done);
      f.get(row).get(j).i32(4).op('i32_mul').op('i32_add').f32x4(0).vmem('v128_store');
      f.get(j).i32(4).op('i32_add').set(j);
      f.br(top);
    });
  });
  f.forRange(j, () => f.get(j), () => f.get(to), 1, () => {
    f.get(row).get(j).i32(4).op('i32_mul').op('i32_add').f32(0).mem('f32_store');
  });
}

/** Copies floats [from, to) from byte address src + 4j to dst + 4j (v128, then single floats). */
function copyRange(f: FunctionBuilder, dst: Local, src: Local, from: Local, to: Local, j: Local, a: Local): void {
  f.get(from).set(j);
  f.block((done) => {
    f.loop((top) => {
      f.get(j).i32(4).op('i32_add').get(to).op('i32_gt_s').brIf(done);
      f.get(j).i32(4).op('i32_mul').set(a);
      f.get(dst).get(a).op('i32_add').get(src).get(a).op('i32_add').vmem('v128_load').vmem('v128_store');
      f.get(j).i32(4).op('i32_add').set(j);
      f.br(top);
    });
  });
  f.forRange(j, () => f.get(j), () => f.get(to), 1, () => {
    f.get(j).i32(4).op('i32_mul').set(a);
    f.get(dst).get(a).op('i32_add').get(src).get(a).op('i32_add').mem('f32_load').mem('f32_store');
  });
}

const PHASE_PARAMS = ['src', 'dst', 'cin', 'h', 'w', 'pad', 's', 'hph', 'wph', 'i0', 'i1'] as const;

/**
 * phases(src, dst, cin, h, w, pad, s, hph, wph, i0, i1): for every plane ci and phase (a, b), rows i in [i0, i1)
 * of phase plane (ci, a, b) at dst (planes of hph x wph floats, in the order (ci*s + a)*s + b) get
 * plane[i, j] = x[ci, i*s + a - pad, j*s + b - pad] from the plain planes at src (Cin x H x W), 0 outside x.
 * With s = 1, hph = H + 2 pad and wph = W + 2 pad this is the zero-padded image. Only the rows of src that these
 * rows read are read.
 */
function emitPhases(): FunctionBuilder {
  const f = new wasm.FunctionBuilder('phases', PHASE_PARAMS.map((n) => [n, i32] as const));
  const [src, dst, cin, h, w, pad, s, hph, wph, i0, i1] = PHASE_PARAMS.map((n) => f.arg(n)) as Local[] as [
    Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local,
  ];
  const ci = f.local('ci', i32), a = f.local('a', i32), b = f.local('b', i32), i = f.local('i', i32), j = f.local('j', i32);
  const j0 = f.local('j0', i32), j1 = f.local('j1', i32), ih = f.local('ih', i32), num = f.local('num', i32), zero = f.local('zero', i32);
  const plane = f.local('plane', i32), dPlane = f.local('dPlane', i32), row = f.local('row', i32), sRow = f.local('sRow', i32), t = f.local('t', i32);
  const planeBytes = f.local('planeBytes', i32), rowBytes = f.local('rowBytes', i32);
  f.get(hph).get(wph).op('i32_mul').i32(4).op('i32_mul').set(planeBytes);
  f.get(wph).i32(4).op('i32_mul').set(rowBytes);
  f.i32(0).set(zero);
  f.get(dst).set(dPlane);
  f.forRange(ci, () => f.i32(0), () => f.get(cin), 1, () => {
    // plane = src + ci*h*w*4
    f.get(src).get(ci).get(h).op('i32_mul').get(w).op('i32_mul').i32(4).op('i32_mul').op('i32_add').set(plane);
    f.forRange(a, () => f.i32(0), () => f.get(s), 1, () => {
      f.forRange(b, () => f.i32(0), () => f.get(s), 1, () => {
        // columns j with 0 <= j*s + b - pad < w: [j0, j1), clipped to the plane
        f.get(pad).get(b).op('i32_sub').set(num);
        ceilDivOrZero(f, num, s, j0);
        f.get(w).get(pad).op('i32_add').get(b).op('i32_sub').set(num);
        ceilDivOrZero(f, num, s, j1);
        f.get(j0).get(wph).get(j0).get(wph).op('i32_lt_s').op('select').set(j0);
        f.get(j1).get(wph).get(j1).get(wph).op('i32_lt_s').op('select').set(j1);
        f.get(j1).get(j0).get(j1).get(j0).op('i32_gt_s').op('select').set(j1);
        f.forRange(i, () => f.get(i0), () => f.get(i1), 1, () => {
          f.get(dPlane).get(i).get(rowBytes).op('i32_mul').op('i32_add').set(row);
          f.get(i).get(s).op('i32_mul').get(a).op('i32_add').get(pad).op('i32_sub').set(ih);
          f.get(ih).get(h).op('i32_ge_u').ifElse(
            () => zeroRange(f, row, zero, wph, j),
            () => {
              zeroRange(f, row, zero, j0, j);
              // sRow = plane + (ih*w + b - pad)*4: column j reads sRow + j*s*4
              f.get(plane).get(ih).get(w).op('i32_mul').get(b).op('i32_add').get(pad).op('i32_sub').i32(4).op('i32_mul').op('i32_add').set(sRow);
              f.get(s).i32(1).op('i32_eq').ifElse(
                () => copyRange(f, row, sRow, j0, j1, j, t),
                () => {
                  f.forRange(j, () => f.get(j0), () => f.get(j1), 1, () => {
                    f.get(row).get(j).i32(4).op('i32_mul').op('i32_add');
                    f.get(sRow).get(j).get(s).op('i32_mul').i32(4).op('i32_mul').op('i32_add').mem('f32_load');
                    f.mem('f32_store');
                  });
                },
              );
              zeroRange(f, row, j1, wph, j);
            },
          );
        });
        f.get(dPlane).get(planeBytes).op('i32_add').set(dPlane);
      });
    });
  });
  return f;
}

const UNPHASE_PARAMS = ['src', 'dst', 'cin', 'h', 'w', 'pad', 's', 'hph', 'wph'] as const;

/**
 * unphases(src, dst, cin, h, w, pad, s, hph, wph): the inverse of phases on the interior: dst[ci, y, x] (plain
 * Cin x H x W) = phase plane (ci, (y+pad) % s, (x+pad) % s)[(y+pad) / s, (x+pad) / s] of src; the padding is dropped.
 */
function emitUnphases(): FunctionBuilder {
  const f = new wasm.FunctionBuilder('unphases', UNPHASE_PARAMS.map((n) => [n, i32] as const));
  const [src, dst, cin, h, w, pad, s, hph, wph] = UNPHASE_PARAMS.map((n) => f.arg(n)) as Local[] as [
    Local, Local, Local, Local, Local, Local, Local, Local, Local,
  ];
  const ci = f.local('ci', i32), y = f.local('y', i32), b = f.local('b', i32), j = f.local('j', i32), x = f.local('x', i32);
  const a = f.local('a', i32), i = f.local('i', i32), num = f.local('num', i32), zero = f.local('zero', i32), t = f.local('t', i32);
  const dRow = f.local('dRow', i32), sRow = f.local('sRow', i32);
  f.i32(0).set(zero);
  f.get(dst).set(dRow);
  f.forRange(ci, () => f.i32(0), () => f.get(cin), 1, () => {
    f.forRange(y, () => f.i32(0), () => f.get(h), 1, () => {
      f.get(y).get(pad).op('i32_add').get(s).op('i32_rem_u').set(a);
      f.get(y).get(pad).op('i32_add').get(s).op('i32_div_u').set(i);
      f.forRange(b, () => f.i32(0), () => f.get(s), 1, () => {
        // sRow = src + ((((ci*s + a)*s + b)*hph + i)*wph)*4
        f.get(src).get(ci).get(s).op('i32_mul').get(a).op('i32_add').get(s).op('i32_mul').get(b).op('i32_add');
        f.get(hph).op('i32_mul').get(i).op('i32_add').get(wph).op('i32_mul').i32(4).op('i32_mul').op('i32_add').set(sRow);
        f.get(s).i32(1).op('i32_eq').ifElse(
          () => {
            // stride 1: dst row = src row from column pad on
            f.get(sRow).get(pad).i32(4).op('i32_mul').op('i32_add').set(sRow);
            copyRange(f, dRow, sRow, zero, w, j, t);
          },
          () => {
            f.get(pad).get(b).op('i32_sub').set(num);
            ceilDivOrZero(f, num, s, j);
            f.get(j).get(s).op('i32_mul').get(b).op('i32_add').get(pad).op('i32_sub').set(x);
            f.block((done) => {
              f.loop((top) => {
                f.get(x).get(w).op('i32_ge_s').brIf(done);
                f.get(dRow).get(x).i32(4).op('i32_mul').op('i32_add').get(sRow).get(j).i32(4).op('i32_mul').op('i32_add').mem('f32_load').mem('f32_store');
                f.get(j).i32(1).op('i32_add').set(j);
                f.get(x).get(s).op('i32_add').set(x);
                f.br(top);
              });
            });
          },
        );
      });
      f.get(dRow).get(w).i32(4).op('i32_mul').op('i32_add').set(dRow);
    });
  });
  return f;
}

/** Adds phases (and, with `unphase`, unphases) to a kernel module. */
export function addLayoutFunctions(m: wasm.ModuleBuilder, unphase: boolean): void {
  m.addFunction(emitPhases());
  if (unphase) m.addFunction(emitUnphases());
}
