// The WebAssembly module builder: its encodings against the spec's examples, modules that validate, and tiny
// functions (scalar, SIMD128, loops, memory) that agree with the same computation in plain JS.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wasm } from '../src/index';

const { FunctionBuilder, ModuleBuilder, ValType, KernelModule, u32, s32 } = wasm;
const { i32, f32, v128 } = ValType;

/** Instantiates the functions on a fresh 1-page memory; returns their exports and the memory. */
function instantiate(...fns: InstanceType<typeof FunctionBuilder>[]): { exports: Record<string, (...a: number[]) => number>; memory: WebAssembly.Memory } {
  const m = new ModuleBuilder().importMemory({ module: 'env', field: 'memory', initial: 1 });
  for (const f of fns) m.addFunction(f);
  const bytes = m.toBytes();
  expect(WebAssembly.validate(bytes)).toBe(true);
  const memory = new WebAssembly.Memory({ initial: 1 });
  const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
  return { exports: inst.exports as Record<string, (...a: number[]) => number>, memory };
}

describe('encodings', () => {
  it('LEB128 matches the spec and Wikipedia examples', () => {
    expect(u32(0)).toEqual([0]);
    expect(u32(127)).toEqual([0x7f]);
    expect(u32(128)).toEqual([0x80, 0x01]);
    expect(u32(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(u32(0xffffffff)).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
    expect(s32(-1)).toEqual([0x7f]);
    expect(s32(63)).toEqual([0x3f]);
    expect(s32(64)).toEqual([0xc0, 0x00]);
    expect(s32(-64)).toEqual([0x40]);
    expect(s32(-65)).toEqual([0xbf, 0x7f]);
    expect(s32(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(() => u32(-1)).toThrow(RangeError);
    expect(() => s32(2 ** 31)).toThrow(RangeError);
  });

  it('signed LEB128 round-trips through i32.const for any 32-bit integer', () => {
    const f = new FunctionBuilder('k', [], [i32]);
    const values = [0, 1, -1, 63, 64, -64, -65, 2 ** 31 - 1, -(2 ** 31), 123456789, -987654321];
    const fns = values.map((v, i) => {
      const g = new FunctionBuilder(`c${i}`, [], [i32]);
      g.i32(v);
      return g;
    });
    f.i32(0);
    const { exports } = instantiate(f, ...fns);
    values.forEach((v, i) => expect(exports[`c${i}`]!()).toBe(v));
  });
});

describe('functions', () => {
  it('scalar i32 arithmetic agrees with JS over drawn operands', () => {
    const f = new FunctionBuilder('mix', [['a', i32], ['b', i32]], [i32]);
    const [a, b] = [f.arg('a'), f.arg('b')];
    // (a * 3 + b) ^ (a >> 2)
    f.get(a).i32(3).op('i32_mul').get(b).op('i32_add').get(a).i32(2).op('i32_shr_s').op('i32_xor');
    const { exports } = instantiate(f);
    fc.assert(fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (x, y) => {
      expect(exports.mix!(x, y)).toBe(((Math.imul(x, 3) + y) | 0) ^ (x >> 2));
    }));
  });

  it('a forRange loop sums memory like a JS loop, and f32 arithmetic rounds as Math.fround', () => {
    const f = new FunctionBuilder('sum', [['ptr', i32], ['n', i32]], [f32]);
    const [ptr, n] = [f.arg('ptr'), f.arg('n')];
    const i = f.local('i', i32), acc = f.local('acc', f32);
    f.f32(0).set(acc);
    f.forRange(i, () => f.i32(0), () => f.get(n), 1, () => {
      f.get(acc).get(ptr).get(i).i32(4).op('i32_mul').op('i32_add').mem('f32_load').op('f32_add').set(acc);
    });
    f.get(acc);
    const { exports, memory } = instantiate(f);
    fc.assert(fc.property(fc.array(fc.float({ noNaN: true, min: -1e6, max: 1e6 }), { maxLength: 50 }), fc.integer({ min: 0, max: 8 }), (xs, at) => {
      const view = new Float32Array(memory.buffer, at * 4, xs.length);
      view.set(xs);
      let ref = 0;
      for (const x of view) ref = Math.fround(ref + x);
      expect(exports.sum!(at * 4, xs.length)).toBe(ref);
    }));
  });

  it('SIMD128: f32x4 sub/abs/add/min/max, splat loads and stores agree lane by lane with JS', () => {
    // out[i] = max(min(|a[i] - s| + a[i], hi), lo) for 4 lanes at a time, s a splatted scalar
    const f = new FunctionBuilder('lanes', [['a', i32], ['s', i32], ['out', i32], ['n4', i32]]);
    const [a, s, out, n4] = ['a', 's', 'out', 'n4'].map((x) => f.arg(x)) as [number, number, number, number];
    const i = f.local('i', i32), sv = f.local('sv', v128), x = f.local('x', v128);
    f.get(s).vmem('v128_load32_splat').set(sv);
    f.forRange(i, () => f.i32(0), () => f.get(n4), 16, () => {
      f.get(a).get(i).op('i32_add').vmem('v128_load').set(x);
      f.get(out).get(i).op('i32_add');
      f.get(x).get(sv).simd('f32x4_sub').simd('f32x4_abs').get(x).simd('f32x4_add');
      f.f32x4(2.5).simd('f32x4_min').f32x4(-1, -2, -3, -4).simd('f32x4_max');
      f.vmem('v128_store');
    });
    const { exports, memory } = instantiate(f);
    fc.assert(fc.property(fc.array(fc.float({ noNaN: true, min: -8, max: 8 }), { minLength: 1, maxLength: 9 }).map((v) => v.slice(0, 4 * Math.ceil(v.length / 4))), fc.float({ noNaN: true, min: -8, max: 8 }), (xs, sc) => {
      const n = 4 * Math.ceil(xs.length / 4);
      const mem = new Float32Array(memory.buffer);
      mem.fill(0, 0, 2 * n + 8);
      mem.set(xs, 4);
      mem[0] = sc;
      exports.lanes!(16, 0, 16 + 4 * n, 4 * n);
      const lo = [-1, -2, -3, -4];
      for (let j = 0; j < n; j++) {
        const v = mem[4 + j]!;
        const ref = Math.max(Math.min(Math.fround(Math.fround(Math.abs(Math.fround(v - Math.fround(sc)))) + v), 2.5), lo[j % 4]!);
        expect(mem[4 + n + j]).toBe(Math.fround(ref));
      }
    }));
  });

  it('labels: br_if out of a nested block and ifElse pick the same branch as JS', () => {
    const f = new FunctionBuilder('clampCount', [['x', i32]], [i32]);
    const x = f.arg('x');
    const r = f.local('r', i32);
    f.i32(0).set(r);
    f.block((outer) => {
      f.block((inner) => {
        f.get(x).i32(10).op('i32_gt_s').brIf(outer);
        f.get(x).i32(0).op('i32_lt_s').brIf(inner);
        f.get(x).set(r).br(outer);
      });
      f.i32(-1).set(r);
    });
    f.get(x).i32(10).op('i32_gt_s').ifElse(() => void f.i32(10).set(r), () => void f.op('nop'));
    f.get(r);
    const { exports } = instantiate(f);
    fc.assert(fc.property(fc.integer({ min: -100, max: 100 }), (v) => {
      expect(exports.clampCount!(v)).toBe(v > 10 ? 10 : v < 0 ? -1 : v);
    }));
  });

  it('refuses what the format cannot express, naming the function', () => {
    const f = new FunctionBuilder('bad', [['a', i32]]);
    expect(() => f.arg('b')).toThrow(/bad has no parameter or local b/);
    f.local('t', i32);
    expect(() => f.local('t', i32)).toThrow(/already has a local t/);
    expect(() => new ModuleBuilder().importMemory({ module: 'env', field: 'memory', initial: 1, shared: true })).toThrow(/shared memory needs a maximum/);
  });

  it('a shared imported memory validates and instantiates on a SharedArrayBuffer', () => {
    const f = new FunctionBuilder('peek', [['p', i32]], [i32]);
    f.get(f.arg('p')).mem('i32_load');
    const m = new ModuleBuilder().importMemory({ module: 'env', field: 'memory', initial: 1, maximum: 2, shared: true });
    m.addFunction(f);
    const bytes = m.toBytes();
    expect(WebAssembly.validate(bytes)).toBe(true);
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true });
    expect(memory.buffer).toBeInstanceOf(SharedArrayBuffer);
    new Int32Array(memory.buffer)[3] = 41;
    const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
    expect((inst.exports.peek as (p: number) => number)(12)).toBe(41);
  });
});

describe('KernelModule', () => {
  it('grows its memory to the largest call, keeps it, and refuses more than its cap by name', () => {
    const k = new KernelModule('test kernel', (m) => {
      const f = new FunctionBuilder('noop', []);
      m.addFunction(f);
    });
    k.reset();
    const a = k.alloc(100);
    const b = k.alloc(200_000);
    expect(a).toBe(0);
    expect(b).toBe(128);
    const size = k.memoryBytes;
    expect(size).toBeGreaterThanOrEqual(200_128);
    k.reset();
    k.alloc(1000);
    expect(k.memoryBytes).toBe(size); // nothing grows across calls of the same size
    expect(() => k.alloc(2 ** 32)).toThrow(/test kernel: a call needs .* bytes of kernel memory/);
  });
});
