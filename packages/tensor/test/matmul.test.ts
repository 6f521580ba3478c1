// matmul and gemm against the naive triple loop, over shapes, dtypes and operand layouts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TensorError, fromArray, gemm, matmul, zeros, type DType } from '../src/index';
import { LAYOUTS, withLayout } from './layouts';
import { maxAbsDiff, naiveMatmul } from './naive-kernels';

const ints = (n: number) => fc.array(fc.integer({ min: -4, max: 4 }), { minLength: n, maxLength: n });
// dims around the 4x4 micro-tile and the 64-row block, including 0 and 1
const dim = fc.oneof(fc.integer({ min: 0, max: 9 }), fc.constantFrom(1, 63, 65, 70));

describe('matmul', () => {
  it('2-D agrees exactly with the triple loop on integer data for every layout and dtype', () => {
    fc.assert(
      fc.property(
        fc.tuple(dim, dim, dim).chain(([m, k, n]) =>
          fc.record({
            m: fc.constant(m), k: fc.constant(k), n: fc.constant(n),
            a: ints(m * k), b: ints(k * n),
            la: fc.constantFrom(...LAYOUTS), lb: fc.constantFrom(...LAYOUTS),
            dtype: fc.constantFrom<DType>('float32', 'float64'),
          }),
        ),
        ({ m, k, n, a, b, la, lb, dtype }) => {
          const A = withLayout(a, [m, k], dtype, la);
          const B = withLayout(b, [k, n], dtype, lb);
          const C = matmul(A, B);
          const ref = naiveMatmul({ shape: [m, k], data: a }, { shape: [k, n], data: b });
          expect(C.shape).toEqual([m, n]);
          expect(C.dtype).toBe(dtype);
          // small integers: every partial sum is exact in float32, so equality is exact
          expect(Array.from(C.toTyped())).toEqual(ref.data);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('float64 real values agree with the triple loop to rounding over a K spanning two depth blocks', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 250, max: 300 }), fc.integer({ min: 1, max: 9 }), fc.integer(), (m, k, n, seed) => {
        let s = seed >>> 0;
        const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
        const a = Array.from({ length: m * k }, rnd);
        const b = Array.from({ length: k * n }, rnd);
        const C = matmul(withLayout(a, [m, k], 'float64', 'transposed'), withLayout(b, [k, n], 'float64', 'strided'));
        const ref = naiveMatmul({ shape: [m, k], data: a }, { shape: [k, n], data: b });
        expect(maxAbsDiff(C.toTyped(), ref.data)).toBeLessThan(1e-12);
      }),
      { numRuns: 20 },
    );
  });

  it('crosses the 2048-column panel boundary (N = 2053) with a transposed B', () => {
    const [m, k, n] = [5, 3, 2053];
    const a = Array.from({ length: m * k }, (_, i) => (i % 7) - 3);
    const b = Array.from({ length: k * n }, (_, i) => ((i * 13) % 9) - 4);
    const C = matmul(withLayout(a, [m, k], 'float32', 'strided'), withLayout(b, [k, n], 'float32', 'transposed'));
    expect(Array.from(C.toTyped())).toEqual(naiveMatmul({ shape: [m, k], data: a }, { shape: [k, n], data: b }).data);
  });

  it('batched 3-D broadcasts a batch dim of 1 and a 2-D operand on either side', () => {
    fc.assert(
      fc.property(
        fc.record({
          nb: fc.integer({ min: 1, max: 3 }), m: dim, k: fc.integer({ min: 0, max: 6 }), n: fc.integer({ min: 0, max: 7 }),
          form: fc.constantFrom('3x3', '3x1', '1x3', '3x2', '2x3'),
          la: fc.constantFrom(...LAYOUTS), lb: fc.constantFrom(...LAYOUTS),
          seed: fc.integer({ min: 0, max: 1000 }),
        }),
        ({ nb, m, k, n, form, la, lb, seed }) => {
          const aShape = form === '2x3' ? [m, k] : [form[0] === '1' ? 1 : nb, m, k];
          const bShape = form === '3x2' ? [k, n] : [form[2] === '1' ? 1 : nb, k, n];
          const sizeOf = (s: number[]) => s.reduce((x, y) => x * y, 1);
          const a = Array.from({ length: sizeOf(aShape) }, (_, i) => ((i * 7 + seed) % 9) - 4);
          const b = Array.from({ length: sizeOf(bShape) }, (_, i) => ((i * 5 + seed) % 7) - 3);
          const C = matmul(withLayout(a, aShape, 'float32', la), withLayout(b, bShape, 'float32', lb));
          const ref = naiveMatmul({ shape: aShape, data: a }, { shape: bShape, data: b });
          expect(C.shape).toEqual(ref.shape);
          expect(Array.from(C.toTyped())).toEqual(ref.data);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('does not merge batch dims through a size-1 dim of an expanded operand', () => {
    // strides [1, 1, 0, 0]: the size-1 dim between the batch and the rows must not make them look mergeable
    const a = fromArray([1, 2, 3], 'float64').reshape([3, 1, 1, 1]).expand([3, 1, 2, 2]);
    const b = fromArray([[1], [1]], 'float64');
    const got = matmul(a, b);
    expect(got.shape).toEqual([3, 1, 2, 1]);
    expect(Array.from(got.toTyped())).toEqual([2, 2, 4, 4, 6, 6]);
  });

  it('writes into out, contiguous or strided', () => {
    const a = fromArray([[1, 2], [3, 4], [5, 6]]);
    const b = fromArray([[1, 0, -1], [2, 1, 0]]);
    const out = zeros([3, 3]);
    expect(matmul(a, b, out)).toBe(out);
    expect(out.toArray()).toEqual([[5, 2, -1], [11, 4, -3], [17, 6, -5]]);
    const strided = zeros([3, 3]).transpose();
    matmul(a, b, strided);
    expect(strided.toArray()).toEqual([[5, 2, -1], [11, 4, -3], [17, 6, -5]]);
  });

  it('gives the right product when out is one of the operands', () => {
    const a = fromArray([[1, 2], [3, 4]]);
    const b = fromArray([[0, 1], [1, 1]]);
    matmul(a, b, a);
    expect(a.toArray()).toEqual([[2, 3], [4, 7]]);
    matmul(b, a, b);
    expect(b.toArray()).toEqual([[4, 7], [6, 10]]);
  });

  it('names the op and shapes on incompatible operands', () => {
    expect(() => matmul(zeros([2, 3]), zeros([4, 2]))).toThrow(TensorError);
    expect(() => matmul(zeros([2, 3]), zeros([4, 2]))).toThrow(/matmul.*\[2, 3\].*\[4, 2\]/);
    expect(() => matmul(zeros([3]), zeros([3, 2]))).toThrow(/matmul.*at least 2 dims/);
    expect(() => matmul(zeros([2, 2, 3]), zeros([3, 3, 2]))).toThrow(/matmul.*broadcastable/);
    expect(() => matmul(zeros([2, 3]), zeros([3, 2], 'float64'))).toThrow(/matmul.*dtypes/);
    expect(() => matmul(zeros([2, 3], 'int32'), zeros([3, 2], 'int32'))).toThrow(/matmul/);
  });
});

describe('gemm', () => {
  it('computes C = alpha*A*B + beta*C into a row of a larger buffer', () => {
    fc.assert(
      fc.property(dim, dim, dim, fc.constantFrom(0, 1, -2), fc.constantFrom(0, 1, 0.5), fc.constantFrom(...LAYOUTS), (m, k, n, alpha, beta, la) => {
        const a = Array.from({ length: m * k }, (_, i) => (i % 5) - 2);
        const b = Array.from({ length: k * n }, (_, i) => (i % 3) - 1);
        const c0 = Array.from({ length: m * n }, (_, i) => (i % 4) - 1);
        const wide = zeros([m, n + 3], 'float64');
        const C = wide.slice(1, 2, 2 + n);
        for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) C.set(c0[i * n + j]!, i, j);
        gemm(withLayout(a, [m, k], 'float64', la), withLayout(b, [k, n], 'float64', 'transposed'), C, { alpha, beta });
        const ab = naiveMatmul({ shape: [m, k], data: a }, { shape: [k, n], data: b }).data;
        // + 0 maps -0 to 0: the kernel adds the product into a zeroed C, which never yields -0
        expect(Array.from(C.toTyped())).toEqual(ab.map((v, i) => alpha * v + beta * c0[i]! + 0));
        // the columns around the view are untouched
        for (let i = 0; i < m; i++) expect([wide.get(i, 0), wide.get(i, 1), wide.get(i, n + 2)]).toEqual([0, 0, 0]);
      }),
      { numRuns: 40 },
    );
  });

  it('beta = 0 discards NaN in the old C, as BLAS does', () => {
    const c = fromArray([[NaN, NaN]]);
    gemm(fromArray([[1, 2]]), fromArray([[1, 0], [0, 1]]), c);
    expect(c.toArray()).toEqual([[1, 2]]);
  });

  it('rejects a C without unit last stride or of the wrong shape', () => {
    expect(() => gemm(zeros([2, 2]), zeros([2, 2]), zeros([2, 2]).transpose())).toThrow(/gemm.*unit stride/);
    expect(() => gemm(zeros([2, 3]), zeros([3, 2]), zeros([2, 3]))).toThrow(/gemm.*\[2, 3\].*\[3, 2\]/);
    const shared = zeros([2, 2]);
    expect(() => gemm(shared, zeros([2, 2]), shared)).toThrow(/gemm: C must not share its storage/);
  });
});
