// The simd element-wise and row-reduction kernels against their js twins: every op over drawn lengths (0, 1, 3,
// 5, odd, across the copy block), values (NaN, +-Infinity, -0, random float32 bit patterns), offsets and scalar
// operands; the public ops on permuted / sliced / broadcast views on both backends; 1, 2 and 3 threads on simd.
// Element-wise results must be the same bits (NaN payloads aside); row sums within the float64 summation-order
// bound |simd - js| <= len * 2^-52 * sum|x|.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  Generator, NDArray, abs, add, div, getKernel, gt, listKernels, max, maximum, mean, min, minimum, mul, mulScalar, clamp, relu,
  setNumThreads, shutdown, sqrt, sub, sum, where, randn, type TypedArray,
  type BinaryKernel, type BinaryOp, type RowExtremumKernel, type RowSumKernel, type UnaryKernel, type UnaryOp, type WhereKernel,
} from '../src/index';
import { BLOCK, SIMD_BINARY_OPS, SIMD_UNARY_OPS, binaryWasm, elementwiseSimdMemoryBytes, unaryWasm, whereWasm } from '../src/simd/elementwise-simd';
import { ROW_BLOCK, rowExtremaWasm, rowReduceSimdMemoryBytes, rowSumsWasm } from '../src/simd/row-reduce-simd';
import { simdSupported } from '../src/wasm/probe';
import { layoutArb, materialize, shapeArb } from './arbitraries';
import { onBackend } from './backend-twins';

const RUNS = { numRuns: 40 };
const EPS64 = 2 ** -52;
const MASKS = new Set(['eq', 'ne', 'lt', 'le', 'gt', 'ge']);

/** Same value: the same bits but for NaN payloads (Object.is tells -0 from +0). */
const same = (x: number, y: number): boolean => Object.is(x, y) || (x !== x && y !== y);

function expectSame(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!same(got[i]!, want[i]!)) throw new Error(`${what}: element ${i} is ${got[i]}, the js twin gives ${want[i]}`);
  }
}

/** Lengths: the small and odd ones, the multiples of 4 and 16 and their neighbours, across the copy block. */
const lengthArb = fc.oneof(
  fc.constantFrom(0, 1, 2, 3, 4, 5, 7, 15, 16, 17, 31, 33, 63, 64, 65, 127, BLOCK - 1, BLOCK, BLOCK + 1, 2 * BLOCK + 5),
  fc.integer({ min: 0, max: 300 }),
);
const SPECIALS = [NaN, Infinity, -Infinity, -0, 0, 1, -1, 0.5, 3.4028234663852886e38, -3.4028234663852886e38, 1.401298464324817e-45, -1.401298464324817e-45];

/** Values of one draw: specials, random float32 bit patterns, small dyadics (ties), and fast-check's own floats. */
interface Fill {
  seed: number;
  palette: number[];
  specials: number;
}
const fillArb: fc.Arbitrary<Fill> = fc.record({
  seed: fc.integer({ min: 1, max: 0x7fffffff }),
  palette: fc.array(fc.float(), { minLength: 1, maxLength: 6 }),
  specials: fc.constantFrom(0, 0.02, 0.2),
});

function xorshift(seed: number): () => number {
  let s = seed | 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

/** n float32 values after `offset` leading filler elements (the filler is data too, and must not be read). */
function filled(f: Fill, salt: number, n: number, offset = 0, finite = false): Float32Array {
  const rand = xorshift(f.seed * 31 + salt);
  const out = new Float32Array(offset + n);
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < out.length; i++) {
    const u = rand();
    if (u < f.specials) out[i] = SPECIALS[Math.floor(rand() * SPECIALS.length)]!;
    else if (u < f.specials + 0.1) out[i] = f.palette[Math.floor(rand() * f.palette.length)]!;
    else if (u < 0.55) bits[i] = Math.floor(rand() * 4294967296);
    else out[i] = Math.round((rand() - 0.5) * 16) / 4;
    if (finite && !Number.isFinite(out[i]!)) out[i] = Math.round((rand() - 0.5) * 16) / 4;
  }
  return out;
}

const js = <F extends (...args: never[]) => unknown>(name: string): F => getKernel<F>(name, 'js');
const simd = <F extends (...args: never[]) => unknown>(name: string): F => getKernel<F>(name, 'simd');

afterAll(async () => {
  await shutdown();
  setNumThreads(1);
});

describe.skipIf(!simdSupported())('simd element-wise kernels against their js twins', () => {
  it('registers the kernels on both backends', () => {
    const names = new Map(listKernels().map((k) => [k.name, k.backends]));
    for (const k of ['elementwise.binary', 'elementwise.unary', 'elementwise.where', 'reduce.rowSum', 'reduce.rowMax', 'reduce.rowMin']) {
      expect(names.get(k)).toEqual(['js', 'simd']);
    }
  });

  const layoutCase = fc.record({ n: lengthArb, fill: fillArb, ao: fc.nat(5), bo: fc.nat(5), oo: fc.nat(5), mode: fc.constantFrom('vv', 'vs', 'sv') });

  for (const op of SIMD_BINARY_OPS) {
    it(`${op}: the wasm loop and the simd kernel give the js loop's bits`, () => {
      fc.assert(
        fc.property(layoutCase, ({ n, fill, ao, bo, oo, mode }) => {
          const as = mode === 'sv' ? 0 : 1, bs = mode === 'vs' ? 0 : 1;
          const a = filled(fill, 1, as === 0 ? 1 : n, ao), b = filled(fill, 2, bs === 0 ? 1 : n, bo);
          const mk = (): Float32Array | Uint8Array => (MASKS.has(op) ? new Uint8Array(oo + n + 3).fill(7) : new Float32Array(oo + n + 3).fill(12345));
          const want = mk(), wasm = mk(), viaKernel = mk();
          js<BinaryKernel>('elementwise.binary')(op as BinaryOp, a, ao, as, b, bo, bs, want, oo, n);
          binaryWasm(op, a, ao, as, b, bo, bs, wasm, oo, n);
          simd<BinaryKernel>('elementwise.binary')(op as BinaryOp, a, ao, as, b, bo, bs, viaKernel, oo, n);
          expectSame(wasm, want, `${op} ${mode} n=${n}`); // including the untouched elements around out[oo, oo + n)
          expectSame(viaKernel, want, `${op} kernel ${mode} n=${n}`);
        }),
        RUNS,
      );
    });
  }

  // parameters: float32-exact ones (f32x4 lanes), any double (f64x2 lanes), and the awkward ones
  const paramArb = fc.oneof(fc.float(), fc.double(), fc.constantFrom(0, -0, 1e-50, -1e-50, 0.1, -0.1, 1e39, -Infinity, Infinity, NaN));
  for (const op of SIMD_UNARY_OPS) {
    it(`${op}: the wasm loop and the simd kernel give the js loop's bits, for any parameters`, () => {
      fc.assert(
        fc.property(layoutCase, paramArb, paramArb, ({ n, fill, ao, oo }, p, q) => {
          const a = filled(fill, 3, n, ao);
          const want = new Float32Array(oo + n + 3).fill(12345), wasm = Float32Array.from(want), viaKernel = Float32Array.from(want);
          js<UnaryKernel>('elementwise.unary')(op as UnaryOp, a, ao, want, oo, n, p, q);
          unaryWasm(op, a, ao, wasm, oo, n, p, q);
          simd<UnaryKernel>('elementwise.unary')(op as UnaryOp, a, ao, viaKernel, oo, n, p, q);
          expectSame(wasm, want, `${op}(p=${p}, q=${q}) n=${n}`);
          expectSame(viaKernel, want, `${op} kernel n=${n}`);
        }),
        RUNS,
      );
    });
  }

  it('where: the wasm select and the simd kernel give the js loop\'s bits, any mask bytes, scalar operands', () => {
    const strides = fc.tuple(fc.constantFrom(0, 1), fc.constantFrom(0, 1), fc.constantFrom(0, 1));
    fc.assert(
      fc.property(layoutCase, strides, fc.constantFrom(0, 0.5, 1), ({ n, fill, ao, bo, oo }, [ms, as, bs], density) => {
        const rand = xorshift(fill.seed);
        const m = Uint8Array.from({ length: ao + (ms === 0 ? 1 : n) }, () => (rand() < density ? 1 + Math.floor(rand() * 255) : 0));
        const a = filled(fill, 4, as === 0 ? 1 : n, ao), b = filled(fill, 5, bs === 0 ? 1 : n, bo);
        const want = new Float32Array(oo + n + 3).fill(12345), wasm = Float32Array.from(want), viaKernel = Float32Array.from(want);
        js<WhereKernel>('elementwise.where')(m, ao, ms, a, ao, as, b, bo, bs, want, oo, n);
        whereWasm(m, ao, ms, a, ao, as, b, bo, bs, wasm, oo, n);
        simd<WhereKernel>('elementwise.where')(m, ao, ms, a, ao, as, b, bo, bs, viaKernel, oo, n);
        expectSame(wasm, want, `where n=${n}`);
        expectSame(viaKernel, want, `where kernel n=${n}`);
      }),
      RUNS,
    );
  });

  it('runs float64 and integer operands on the js loops (the simd kernels hand them over)', () => {
    const a = Float64Array.from({ length: 200 }, (_, i) => i / 3 - 20), b = Float64Array.from({ length: 200 }, (_, i) => 7 - i / 7);
    const want = new Float64Array(200), got = new Float64Array(200);
    js<BinaryKernel>('elementwise.binary')('add', a, 0, 1, b, 0, 1, want, 0, 200);
    simd<BinaryKernel>('elementwise.binary')('add', a, 0, 1, b, 0, 1, got, 0, 200);
    expectSame(got, want, 'float64 add');
    const i32 = Int32Array.from({ length: 200 }, (_, i) => i - 100), wi = new Int32Array(200), gi = new Int32Array(200);
    js<UnaryKernel>('elementwise.unary')('relu', i32, 0, wi, 0, 200, 0, 0);
    simd<UnaryKernel>('elementwise.unary')('relu', i32, 0, gi, 0, 200, 0, 0);
    expectSame(gi, wi, 'int32 relu');
  });

  it('keeps the module memory fixed whatever the call sizes', () => {
    const big = new Float32Array(5 * BLOCK + 3).fill(1.5), out = new Float32Array(big.length);
    binaryWasm('add', big, 0, 1, big, 0, 1, out, 0, 10);
    const fixed = elementwiseSimdMemoryBytes();
    for (const n of [big.length, 1, 3 * BLOCK, 100]) {
      binaryWasm('mul', big, 0, 1, big, 0, 1, out, 0, n);
      unaryWasm('mulScalar', big, 0, out, 0, n, 0.1, 0);
    }
    expect(elementwiseSimdMemoryBytes()).toBe(fixed);
    expect(fixed).toBeLessThanOrEqual(256 * 1024);
    rowSumsWasm(big, 0, 1, big.length, new Float64Array(1), 0, 1);
    const rows = rowReduceSimdMemoryBytes();
    rowSumsWasm(big, 0, 5, BLOCK, new Float64Array(5), 0, 1);
    rowExtremaWasm(big, 0, big.length, 1, new Float32Array(big.length), 0, true);
    expect(rowReduceSimdMemoryBytes()).toBe(rows);
    expect(rows).toBeLessThanOrEqual(256 * 1024);
  });
});

/** Rows: outer x len, after `base` leading elements; len across the copy block too. */
const rowsCase = fc.record({
  shape: fc.oneof(
    fc.tuple(fc.integer({ min: 0, max: 6 }), lengthArb),
    fc.tuple(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 40 })),
    fc.constantFrom<[number, number]>([2, ROW_BLOCK + 3], [1, 2 * ROW_BLOCK + 1], [ROW_BLOCK + 5, 1], [3000, 7]),
  ),
  fill: fillArb,
  base: fc.nat(5),
  oo: fc.nat(3),
});

describe.skipIf(!simdSupported())('simd row reductions against their js twins', () => {
  it('row sums: within len * 2^-52 * sum|x| of the js float64 sum, then one rounding to float32', () => {
    fc.assert(
      fc.property(rowsCase, fc.boolean(), ({ shape: [outer, len], fill, base, oo }, finite) => {
        const d = filled(fill, 6, outer * len, base, finite);
        const want = new Float64Array(oo + outer), wasm = new Float64Array(oo + outer), viaKernel = new Float64Array(oo + outer);
        js<RowSumKernel>('reduce.rowSum')(d, base, outer, len, want, oo, 1);
        rowSumsWasm(d, base, outer, len, wasm, oo, 1);
        simd<RowSumKernel>('reduce.rowSum')(d, base, outer, len, viaKernel, oo, 1);
        const f32 = new Float32Array(oo + outer);
        rowSumsWasm(d, base, outer, len, f32, oo, 1);
        for (let r = 0; r < outer; r++) {
          let absSum = 0;
          for (let i = 0; i < len; i++) absSum += Math.abs(d[base + r * len + i]!);
          const w = want[oo + r]!;
          for (const got of [wasm[oo + r]!, viaKernel[oo + r]!]) {
            if (!Number.isFinite(w) || !Number.isFinite(got)) {
              // NaN and the infinities do not depend on the order: the same value
              expect(same(got, w), `row ${r} of ${outer}x${len}: ${got} vs ${w}`).toBe(true);
            } else {
              expect(Math.abs(got - w), `row ${r} of ${outer}x${len}`).toBeLessThanOrEqual(len * EPS64 * absSum);
            }
          }
          // float32 output: rounding is monotone, so the result lies between the roundings of the bound's ends
          const g = f32[oo + r]!;
          if (!Number.isFinite(w)) expect(same(g, Math.fround(w))).toBe(true);
          else {
            const delta = len * EPS64 * absSum;
            expect(g).toBeGreaterThanOrEqual(Math.fround(w - delta));
            expect(g).toBeLessThanOrEqual(Math.fround(w + delta));
          }
        }
      }),
      RUNS,
    );
  });

  it('row sums with a divisor (mean) divide the float64 sum once, on both backends', () => {
    fc.assert(
      fc.property(rowsCase, fc.constantFrom(0, 3, 7.5), ({ shape: [outer, len], fill, base }, divisor) => {
        const d = filled(fill, 7, outer * len, base);
        for (const k of [js<RowSumKernel>('reduce.rowSum'), simd<RowSumKernel>('reduce.rowSum')]) {
          const s = new Float64Array(outer), q = new Float64Array(outer);
          k(d, base, outer, len, s, 0, 1);
          k(d, base, outer, len, q, 0, divisor);
          expectSame(q, s.map((x) => x / divisor), `divisor ${divisor}`);
        }
      }),
      RUNS,
    );
  });

  for (const wantMax of [true, false]) {
    const name = wantMax ? 'reduce.rowMax' : 'reduce.rowMin';
    it(`${name}: the js loop's value, NaN first-wins and the sign of the first zero included`, () => {
      const lenArb = fc.oneof(fc.integer({ min: 1, max: 70 }), fc.constantFrom(ROW_BLOCK - 1, ROW_BLOCK, ROW_BLOCK + 1, 2 * ROW_BLOCK + 7));
      const shape = fc.oneof(fc.tuple(fc.integer({ min: 0, max: 5 }), lenArb), fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 20 })));
      fc.assert(
        fc.property(shape, fillArb, fc.nat(4), fc.boolean(), ([outer, len], fill, base, nonPositive) => {
          const d = filled(fill, 8, outer * len, base);
          // rows whose extremum is a zero: the sign of the first zero decides
          if (nonPositive) for (let i = 0; i < d.length; i++) if (d[i] !== 0) d[i] = wantMax ? -Math.abs(d[i]!) : Math.abs(d[i]!);
          const want = new Float32Array(outer), wasm = new Float32Array(outer), viaKernel = new Float32Array(outer);
          js<RowExtremumKernel>(name)(d, base, outer, len, want, 0);
          rowExtremaWasm(d, base, outer, len, wasm, 0, wantMax);
          simd<RowExtremumKernel>(name)(d, base, outer, len, viaKernel, 0);
          expectSame(wasm, want, `${name} ${outer}x${len}`);
          expectSame(viaKernel, want, `${name} kernel ${outer}x${len}`);
        }),
        RUNS,
      );
    });
  }
});

/** A float32 array of a drawn shape in a drawn layout (permuted, sliced, flipped, offset, expanded) with specials. */
const viewArb = (shape: readonly number[], allowExpand = true): fc.Arbitrary<NDArray> =>
  fc.tuple(layoutArb(shape.length, allowExpand), fillArb).map(([layout, fill]) => materialize(shape, layout, [...filled(fill, 9, 97)], 'float32').arr);

describe.skipIf(!simdSupported())('the public ops agree between the backends on views', () => {
  const bothBackends = (f: () => NDArray): [Float32Array | Uint8Array, Float32Array | Uint8Array] => [
    onBackend('js', f).toTyped() as Float32Array | Uint8Array,
    onBackend('simd', f).toTyped() as Float32Array | Uint8Array,
  ];
  const shapeOf = shapeArb({ minDims: 1, maxDims: 3, minSize: 1, maxSize: 14 });

  it('binary, unary and where ops: the same bits on permuted, sliced, broadcast and contiguous operands', () => {
    fc.assert(
      fc.property(shapeOf.chain((s) => fc.tuple(fc.constant(s), viewArb(s), viewArb(s), viewArb(s.slice(1)))), ([, a, b, row]) => {
        const ac = a.contiguous(), bc = b.contiguous();
        const cases: Array<[string, () => NDArray]> = [
          ['add', () => add(a, b)], ['add contiguous', () => add(ac, bc)], ['sub scalar', () => sub(ac, 0.75)], ['mul', () => mul(a, bc)],
          ['div scalar first', () => div(2.5, bc)], ['maximum', () => maximum(ac, bc)], ['minimum view', () => minimum(a, b)],
          ['maximum broadcast row', () => maximum(ac, row)], ['gt scalar', () => gt(ac, 0)], ['gt', () => gt(a, bc)],
          ['relu', () => relu(ac)], ['relu view', () => relu(a)], ['sqrt', () => sqrt(bc)], ['mulScalar 0.1', () => mulScalar(ac, 0.1)],
          ['clamp', () => clamp(ac, -0.3, 2)], ['where', () => where(gt(ac, 0), bc, 0)], ['where view', () => where(gt(a, b), a, row)],
        ];
        for (const [what, f] of cases) {
          const [j, s] = bothBackends(f);
          expectSame(s, j, what);
        }
      }),
      RUNS,
    );
  });

  it('sum, mean, max, min over axes: max/min the same bits, sums within the float64 order bound', () => {
    fc.assert(
      fc.property(
        shapeOf.chain((s) => fc.tuple(fc.constant(s), viewArb(s, false), fc.subarray(s.map((_, i) => i), { minLength: 1 }), fc.boolean())),
        ([shape, a, axes, keepdim]) => {
          for (const [what, f] of [['max', () => max(a, axes, keepdim)], ['min', () => min(a, axes, keepdim)]] as const) {
            const [j, s] = bothBackends(f);
            expectSame(s, j, what);
          }
          const len = axes.reduce((p, i) => p * shape[i]!, 1);
          // |x| summed by the same reduction, on js, in float64
          const absSum = onBackend('js', () => sum(abs(a.cast('float64')), axes, keepdim)).toTyped();
          for (const [divisor, f] of [[1, () => sum(a, axes, keepdim)], [len, () => mean(a, axes, keepdim)]] as const) {
            const exact = onBackend('js', () => (divisor === 1 ? sum(a.cast('float64'), axes, keepdim) : mean(a.cast('float64'), axes, keepdim))).toTyped();
            const [j, s] = bothBackends(f);
            for (let r = 0; r < j.length; r++) {
              expect(same(j[r]!, Math.fround(exact[r]!))).toBe(true); // js: the float64 sum rounded once
              const w = exact[r]!;
              if (!Number.isFinite(w)) {
                expect(same(s[r]!, j[r]!)).toBe(true);
              } else {
                // the sums' bound, divided; a mean adds the two divisions' roundings (2^-53 of each quotient)
                const delta = (len * EPS64 * absSum[r]!) / divisor + (divisor === 1 ? 0 : EPS64 * Math.abs(w) * (1 + EPS64));
                expect(s[r]!).toBeGreaterThanOrEqual(Math.fround(w - delta));
                expect(s[r]!).toBeLessThanOrEqual(Math.fround(w + delta));
              }
            }
          }
        },
      ),
      RUNS,
    );
  });
});

describe.skipIf(!simdSupported())('simd on the worker pool', () => {
  it('gives the large element-wise ops and row reductions the same bits with 1, 2 and 3 threads (and the js bits element-wise)', () => {
    const n = 300_001;
    const g = new Generator(21);
    const a = randn([n], { generator: g });
    const b = randn([n], { generator: g });
    const m = randn([700, 900], { generator: g });
    const bits = (x: NDArray): Uint8Array => {
      const d = x.contiguous().data as TypedArray;
      return new Uint8Array(d.buffer, d.byteOffset, d.byteLength).slice();
    };
    const sameBits = (x: Uint8Array, y: Uint8Array, what: string): void => {
      expect(x.length, what).toBe(y.length);
      const i = x.findIndex((v, k) => v !== y[k]);
      if (i >= 0) throw new Error(`${what}: the bits differ, first at byte ${i}`);
    };
    const run = (threads: number): Uint8Array[] => {
      setNumThreads(threads);
      const x = NDArray.fromTyped(Float32Array.from(a.data as Float32Array), [n]);
      add(x, b, x);
      mulScalar(x, 0.1, x);
      return [
        bits(x), bits(maximum(a, b)), bits(relu(a)), bits(gt(a, b)), bits(mul(a, 0.5)), bits(div(a, b)), bits(sqrt(abs(b))),
        bits(sum(m, 1)), bits(mean(m, 1)), bits(sum(m, 0)), bits(max(m, 1)), bits(min(m, 0)),
      ];
    };
    const [one, two, three, jsOne] = onBackend('simd', () => [run(1), run(2), run(3)]).concat([onBackend('js', () => run(1))]);
    for (let i = 0; i < one!.length; i++) {
      sameBits(two![i]!, one![i]!, `result ${i}, 2 threads`);
      sameBits(three![i]!, one![i]!, `result ${i}, 3 threads`);
    }
    // element-wise and extrema: the js bits too (randn has no NaN)
    for (const i of [0, 1, 2, 3, 4, 5, 6, 10, 11]) sameBits(one![i]!, jsOne![i]!, `result ${i} against js`);
  });
});
