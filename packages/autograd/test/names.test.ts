// torch's names (issue 18): var(dim, { unbiased, keepdim }) with the positional (axes, keepdim, unbiased) form
// kept as deprecated; var as a functional; rsqrt as a functional; cat with concat as a deprecated alias.
import { describe, expect, it } from 'vitest';
import * as A from '@adder/autograd';
import { AutogradError, cat, concat, getFunction, rsqrt, tensor, variance } from '@adder/autograd';

const x = tensor([[1, 2, 4], [3, 5, 9]], { dtype: 'float64' });
const close = (got: A.Tensor, want: number[] | number[][]): void => {
  const g = got.data.toTyped();
  want.flat().forEach((w, i) => expect(g[i]).toBeCloseTo(w, 12));
  expect(g.length).toBe(want.flat().length);
};

describe('var', () => {
  it('takes (dim, { unbiased, keepdim }) with torch defaults (unbiased true, keepdim false)', () => {
    close(x.var(1), [7 / 3, 28 / 3]);
    close(x.var(1, { unbiased: false }), [14 / 9, 56 / 9]);
    const kept = x.var(0, { keepdim: true });
    expect(kept.shape).toEqual([1, 3]);
    close(kept, [[2, 4.5, 12.5]]);
    close(x.var(), [(1 + 4 + 16 + 9 + 25 + 81 - 24 * 24 / 6) / 5]);
    close(x.var(undefined, { unbiased: false, keepdim: true }), [[(1 + 4 + 16 + 9 + 25 + 81 - 24 * 24 / 6) / 6]]);
  });

  it('is a functional as `var` (torch.var) and `variance`, the same function', () => {
    expect(A.var).toBe(variance);
    close(A.var(x, 1, { unbiased: false, keepdim: true }), [[14 / 9], [56 / 9]]);
  });

  it('keeps the deprecated positional (axes, keepdim, unbiased) form with its old meaning', () => {
    // the same calls as before issue 18 give the same results
    expect(x.var(1, true).shape).toEqual([2, 1]);
    close(x.var(1, true), [[7 / 3], [28 / 3]]);
    close(x.var(1, false, false), [14 / 9, 56 / 9]);
    close(x.var(1, undefined, false), [14 / 9, 56 / 9]);
    close(variance(x, 0, true, false), [[1, 2.25, 6.25]]);
  });

  it('refuses unknown option keys by name', () => {
    expect(() => x.var(1, { keepDim: true } as never)).toThrow(AutogradError);
    expect(() => x.var(1, { keepDim: true } as never)).toThrow("var: unknown option 'keepDim' (expected one of unbiased, correction, keepdim)");
    // correction is torch's keyword too (reduce.test.ts checks it against an oracle)
    close(x.var(1, { correction: 0 }), [14 / 9, 56 / 9]);
  });
});

describe('rsqrt, cat', () => {
  it('rsqrt is a functional and a method, a registered Function', () => {
    const y = tensor([4, 0.25], { dtype: 'float64', requiresGrad: true });
    close(rsqrt(y), [0.5, 2]);
    const r = y.rsqrt();
    expect(r.gradFn?.name).toBe('rsqrt');
    r.sum().backward();
    close(y.grad!, [-0.5 * 4 ** -1.5, -0.5 * 0.25 ** -1.5]);
  });

  it('cat is torch.cat, registered as cat; concat is its deprecated alias', () => {
    expect(concat).toBe(cat);
    expect(getFunction('cat')).toBeDefined();
    expect(getFunction('concat')).toBeUndefined();
    const a = tensor([[1, 2]], { dtype: 'float64', requiresGrad: true });
    const y = cat([a, tensor([[3, 4]], { dtype: 'float64' })], 0);
    expect(y.toArray()).toEqual([[1, 2], [3, 4]]);
    expect(y.gradFn?.name).toBe('cat');
    expect(() => cat([])).toThrow('cat: expected at least one tensor');
  });
});
