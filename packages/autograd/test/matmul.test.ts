// matmul passes gradcheck with 1-D operands and broadcast batch dims; mm and bmm (matmul's Function behind torch's
// strict shape checks) against a naive product over drawn layouts, gradchecked, and their one-line shape errors.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bmm, gradcheck, mm, tensor, zeros } from '@adder/autograd';
import { makeTensor, LAYOUTS } from '@adder/autograd/testing';
import { build, at } from '@adder/tensor/testing';
import { denseOf, expectDense } from './layout-oracle';
import { cases } from './matmul.cases';

describe('matmul passes gradcheck', () => {
  for (const [name, c] of Object.entries(cases)) it(name, () => c.check());
});

/** Drawn (B, n, m) and (B, m, p) operands in drawn layouts. */
const batched = fc
  .tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }))
  .chain(([b, n, m, p]) =>
    fc.tuple(fc.constantFrom(...LAYOUTS), fc.constantFrom(...LAYOUTS), fc.integer({ min: 1, max: 0x7fffffff })).map(([la, lb, seed]) => ({
      a: makeTensor([b, n, m], la, seed),
      b: makeTensor([b, m, p], lb, seed + 1),
    })),
  );

describe('mm and bmm', () => {
  it('equal a naive product over drawn layouts and pass gradcheck', () => {
    fc.assert(
      fc.property(batched, ({ a, b }) => {
        const [B, n, m] = a.shape as [number, number, number];
        const p = b.shape[2]!;
        const da = denseOf(a), db = denseOf(b);
        const prod = (i: number, j: number, k: number): number => {
          let s = 0;
          for (let l = 0; l < m; l++) s += at(da, [i, j, l]) * at(db, [i, l, k]);
          return s;
        };
        expectDense(bmm(a, b), build([B, n, p], ([i, j, k]) => prod(i!, j!, k!)), 'bmm');
        const a0 = a.slice(0, 0, 1).squeeze(0);
        const b0 = b.slice(0, 0, 1).squeeze(0);
        expectDense(a0.mm(b0), build([n, p], ([j, k]) => prod(0, j!, k!)), 'mm');
        gradcheck((u, v) => bmm(u, v), [a, b]);
        gradcheck((u, v) => mm(u, v), [a0.detach().requiresGrad_(), b0.detach().requiresGrad_()]);
      }),
      { numRuns: 30 },
    );
  });

  it("check shapes as torch's, in one line naming the op", () => {
    expect(() => mm(zeros([2, 3]), zeros([4, 5]))).toThrow('mm: shapes [2, 3] and [4, 5] cannot be multiplied (3 != 4)');
    expect(() => mm(zeros([2, 3]), zeros([3]))).toThrow('mm: expects 2-d matrices, got shapes [2, 3] and [3]');
    expect(() => bmm(zeros([2, 2, 3]), zeros([3, 3, 5]))).toThrow('bmm: batch sizes differ: shapes [2, 2, 3] and [3, 3, 5] (bmm does not broadcast; use matmul)');
    expect(() => bmm(zeros([2, 2, 3]), zeros([2, 4, 5]))).toThrow('bmm: shapes [2, 2, 3] and [2, 4, 5] cannot be multiplied (3 != 4)');
    expect(() => zeros([2, 3]).bmm(zeros([3, 2]))).toThrow('bmm: expects 3-d batches of matrices, got shapes [2, 3] and [3, 2]');
    expect(tensor([[1, 2]]).mm(tensor([[3], [4]])).toArray()).toEqual([[11]]);
  });
});
