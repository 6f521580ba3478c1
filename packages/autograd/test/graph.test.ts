// Regression tests for the graph shapes that break engines: diamonds, reuse, side branches, residuals,
// view chains, deep chains, double backward, noGrad, released saved tensors and declared backwards.
import { describe, expect, it } from 'vitest';
import * as K from '@adder/tensor';
import { defineFunction, gradcheck, isGradEnabled, noGrad, noGradAsync, sumToShape, tensor, type Tensor } from '@adder/autograd';
import { checkDeclaredBackward, makeTensor } from '@adder/autograd/testing';

const f64 = (data: number[] | number[][], requiresGrad = true): Tensor => tensor(data, { dtype: 'float64', requiresGrad });
const flat = (t: Tensor | null): number[] => Array.from(t!.data.toTyped());

describe('graph shapes', () => {
  it('diamond: a node used twice accumulates both paths (y = (2x)^2 + e^(2x))', () => {
    const x = f64([0.3, -0.7, 1.1]);
    const a = x.mul(2);
    a.mul(a).add(a.exp()).sum().backward();
    const want = [0.3, -0.7, 1.1].map((v) => 8 * v + 2 * Math.exp(2 * v));
    flat(x.grad).forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 12));
  });

  it('a weight reused across layers gets the sum of its uses (checked by gradcheck and by hand)', () => {
    const x = makeTensor([3, 4], 'contiguous', 3);
    const w = makeTensor([4, 4], 'contiguous', 4);
    expect(gradcheck((xx, ww) => xx.matmul(ww).tanh().matmul(ww).tanh().sum(), [x, w])).toBe(true);
    // by hand for a scalar weight: y = w * (w * x) = w^2 x, dy/dw = 2 w x
    const s = f64([1.5]);
    const v = f64([0.25, -2], false);
    s.mul(v).mul(s).sum().backward();
    expect(s.grad!.item()).toBeCloseTo(2 * 1.5 * (0.25 - 2), 12);
  });

  it('a side branch that the loss never uses changes nothing', () => {
    const x = f64([0.5, 2]);
    const a = x.mul(3);
    const side = a.log().exp().mul(100); // created, never used by the loss
    a.sum().backward();
    expect(flat(x.grad)).toEqual([3, 3]);
    expect(side.requiresGrad).toBe(true);
    expect(side.grad).toBeNull();
    // the engine never visited the branch: its nodes still hold their saved tensors
    expect(side.gradFn!.isFreed).toBe(false);
    expect(side.gradFn!.savedCount).toBe(2);
  });

  it('residual additions (h = h + tanh(h w)) match finite differences', () => {
    const x = makeTensor([2, 3], 'permuted', 7);
    const w = makeTensor([3, 3], 'sliced', 8);
    const net = (xx: Tensor, ww: Tensor): Tensor => {
      let h = xx;
      for (let i = 0; i < 4; i++) h = h.add(h.matmul(ww).tanh());
      return h.square().mean();
    };
    expect(gradcheck(net, [x, w])).toBe(true);
  });

  it('a chain that mixes views (transpose, slice, reshape, expand, unsqueeze) with arithmetic', () => {
    const x = makeTensor([4, 3], 'contiguous', 9);
    const chain = (t: Tensor): Tensor =>
      t.transpose().slice(1, 1, 4, 2).reshape([-1]).unsqueeze(0).expand([3, 6]).mul(t.sum(1).unsqueeze(0).slice(1, 0, 3).transpose()).sum();
    expect(gradcheck(chain, [x])).toBe(true);
    // by hand: z = sum over 3 rows r of sum_j v_j * s_r, with v = x^T[:, 1::2] flattened, s_r = row sums of x
    const y = tensor(x.data.toArray(), { dtype: 'float64', requiresGrad: true });
    chain(y).backward();
    const X = x.data.toArray() as number[][];
    const rows = X.map((r) => r.reduce((p, v) => p + v, 0));
    const sumV = [1, 3].reduce((p, j) => p + X[j]!.reduce((q, v) => q + v, 0), 0);
    const sumS = rows[0]! + rows[1]! + rows[2]!;
    const want = X.map((r, i) => r.map(() => (i === 1 || i === 3 ? sumS : 0) + (i < 3 ? sumV : 0)));
    (y.grad!.toArray() as number[][]).forEach((r, i) => r.forEach((g, j) => expect(g).toBeCloseTo(want[i]![j]!, 10)));
  });

  it('1,000 chained ops backpropagate without overflowing the stack', () => {
    const x = f64([1]);
    let y = x;
    for (let i = 0; i < 1000; i++) y = i % 2 === 0 ? y.mul(1.001) : y.add(0.5);
    y.sum().backward();
    expect(x.grad!.item()).toBeCloseTo(Math.pow(1.001, 500), 10);
    let z = x;
    for (let i = 0; i < 5000; i++) z = z.mul(1);
    z.sum().backward();
    expect(x.grad!.item()).toBeCloseTo(Math.pow(1.001, 500) + 1, 10);
  });

  it('backward twice: an error without retainGraph, accumulation with it', () => {
    const x = f64([0.5, 1.5]);
    const y = x.exp().sum();
    y.backward();
    expect(() => y.backward()).toThrow(/^exp: trying to backward through the graph a second time.*retainGraph/s);
    // a graph whose Functions saved nothing can run again, as in PyTorch
    const x1 = f64([0.5, 1.5]);
    const y1 = x1.add(1).sum();
    y1.backward();
    y1.backward();
    expect(flat(x1.grad)).toEqual([2, 2]);
    const x2 = f64([0.5, 1.5]);
    const y2 = x2.exp().sum();
    y2.backward(undefined, { retainGraph: true });
    y2.backward();
    flat(x2.grad).forEach((g, i) => expect(g).toBeCloseTo(2 * Math.exp([0.5, 1.5][i]!), 12));
  });

  it('noGrad records no graph and restores the mode, even after a throw', () => {
    const x = f64([1, 2]);
    const y = noGrad(() => {
      expect(isGradEnabled()).toBe(false);
      return x.mul(2).exp();
    });
    expect(y.requiresGrad).toBe(false);
    expect(y.gradFn).toBeNull();
    expect(isGradEnabled()).toBe(true);
    expect(() =>
      noGrad(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(isGradEnabled()).toBe(true);
    expect(() => y.sum().backward()).toThrow(/does not require grad/);
  });

  it('noGradAsync covers its own awaits without disabling concurrent work', async () => {
    const x = f64([1, 2]);
    let inner: Tensor | null = null;
    let outside: Tensor | null = null;
    const job = noGradAsync(async () => {
      await new Promise((r) => setTimeout(r, 5));
      inner = x.mul(2);
      return 1;
    });
    outside = x.mul(3); // runs while the job is suspended
    await job;
    expect(inner!.gradFn).toBeNull();
    expect(outside.gradFn).not.toBeNull();
    expect(isGradEnabled()).toBe(true);
  });

  it('saved tensors are released after backward, and kept with retainGraph', () => {
    const x = f64([0.1, 0.2]);
    const y = x.mul(x.exp());
    const mulNode = y.gradFn!;
    const expNode = mulNode.next[1] as NonNullable<typeof y.gradFn>;
    expect(mulNode.savedCount).toBe(2);
    expect(expNode.name).toBe('exp');
    expect(expNode.savedCount).toBe(1);
    const loss = y.sum();
    loss.backward(undefined, { retainGraph: true });
    expect(mulNode.isFreed).toBe(false);
    expect(mulNode.savedCount).toBe(2);
    loss.backward();
    expect(mulNode.isFreed).toBe(true);
    expect(mulNode.savedCount).toBe(0);
    expect(expNode.isFreed).toBe(true);
    expect(expNode.savedCount).toBe(0);
  });

  it('retainGrad keeps a non-leaf gradient; leaves accumulate across backwards', () => {
    const x = f64([1, 2]);
    const h = x.mul(3);
    h.retainGrad();
    h.square().sum().backward();
    expect(flat(h.grad)).toEqual([6, 12]);
    expect(flat(x.grad)).toEqual([18, 36]);
    x.mul(1).sum().backward();
    expect(flat(x.grad)).toEqual([19, 37]);
  });

  it('a custom Function with a deliberately non-true backward is used as declared (straight-through sign)', () => {
    const signSte = defineFunction({
      name: 'graphTestSignSte',
      surrogateGradient: true,
      forward: (_ctx, a: K.NDArray) => K.sign(a),
      backward: (_ctx, g) => [K.mulScalar(g, 0.5)], // the true gradient is 0 almost everywhere
    });
    const x = f64([-0.4, 0.3, 2]);
    signSte(x).mul(f64([1, 2, 3], false)).sum().backward();
    expect(flat(x.grad)).toEqual([0.5, 1, 1.5]);
    checkDeclaredBackward((t) => signSte(t), [makeTensor([2, 3], 'permuted', 5)], (_xs, g) => [K.mulScalar(g, 0.5)]);
    expect(() => checkDeclaredBackward((t) => signSte(t), [makeTensor([2, 3], 'permuted', 5)], (_xs, g) => [g])).toThrow(/oracle/);
    // gradcheck refuses it: finite differences cannot check a surrogate gradient
    expect(() => gradcheck((t) => signSte(t).sum(), [makeTensor([3], 'contiguous', 1)])).toThrow(/surrogate.*graphTestSignSte/);
  });

  it('options reach forward and backward through ctx.options; needsInputGrad says which inputs want gradients', () => {
    const seen: boolean[][] = [];
    const scaled = defineFunction<{ k: number }>({
      name: 'graphTestScaledAdd',
      forward: (ctx, a: K.NDArray, b: K.NDArray) => K.add(K.mulScalar(a, ctx.options.k), b),
      backward(ctx, g) {
        seen.push([...ctx.needsInputGrad]);
        return [K.mulScalar(g, ctx.options.k), ctx.needsInputGrad[1] ? g : null];
      },
    });
    const a = f64([1, 2]);
    const b = f64([3, 4], false);
    const y = scaled(a, b, { k: 5 });
    expect(flat(y)).toEqual([8, 14]);
    y.sum().backward();
    expect(flat(a.grad)).toEqual([5, 5]);
    expect(seen).toEqual([[true, false]]);
  });

  it('a Function whose input broadcasts reduces its gradient itself, with sumToShape (the engine sums nothing)', () => {
    const widen = defineFunction<{}, { shape: readonly number[] }>({
      name: 'graphTestWiden',
      forward(ctx, a: K.NDArray) {
        ctx.save({ shape: a.shape });
        return K.mul(a, K.ones([2, 3], a.dtype));
      },
      backward: (ctx, g) => [sumToShape(g, ctx.saved.shape)], // [2, 3] summed back to [3]
    });
    const x = f64([1, 2, 3]);
    widen(x).mul(f64([[1, 2, 3], [4, 5, 6]], false)).sum().backward();
    expect(flat(x.grad)).toEqual([5, 7, 9]);
    // the same in add's own backward: b [3] broadcast over 2 rows gets the column sums
    const b = f64([1, 2, 3]);
    f64([[1, 1, 1], [1, 1, 1]], false).add(b).mul(f64([[1, 2, 3], [4, 5, 6]], false)).sum().backward();
    expect(flat(b.grad)).toEqual([5, 7, 9]);
  });
});
