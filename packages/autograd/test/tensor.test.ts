// The Tensor surface (creation, accessors, methods) and op behaviours that gradcheck cannot see:
// tie-breaking, stability for large logits, dtype casts, and gradcheck's own report.
import { describe, expect, it } from 'vitest';
import * as K from '@adder/tensor';
import { GradcheckError, defineFunction, fromNDArray, gradcheck, logSoftmax, ones, rand, randn, tensor, zeros, type Tensor } from '@adder/autograd';

const flat = (t: Tensor | null): number[] => Array.from(t!.data.toTyped());

describe('Tensor surface', () => {
  it('creates from nested arrays, typed arrays with a shape, and NDArrays without copying', () => {
    const a = tensor([[1, 2], [3, 4]]);
    expect(a.shape).toEqual([2, 2]);
    expect(a.dtype).toBe('float32');
    expect(a.toArray()).toEqual([[1, 2], [3, 4]]);
    const b = tensor(new Float64Array([1, 2, 3, 4, 5, 6]), { shape: [2, 3], requiresGrad: true });
    expect(b.dtype).toBe('float64');
    expect(b.shape).toEqual([2, 3]);
    expect(b.requiresGrad && b.isLeaf).toBe(true);
    const c = tensor(new Float32Array([1, 2]), { dtype: 'float64' });
    expect(c.dtype).toBe('float64');
    const nd = K.arange(3, undefined, 1, 'float64');
    const d = fromNDArray(nd, true);
    expect(d.data).toBe(nd);
    expect(zeros([2, 3]).toArray()).toEqual([[0, 0, 0], [0, 0, 0]]);
    expect(ones([2], { dtype: 'float64' }).dtype).toBe('float64');
    expect(tensor([7]).item()).toBe(7);
  });

  it('randn/rand are seeded by a generator', () => {
    const g1 = new K.Generator(42);
    const g2 = new K.Generator(42);
    expect(randn([5], { generator: g1 }).toArray()).toEqual(randn([5], { generator: g2 }).toArray());
    const u = rand([100], { dtype: 'float64' });
    expect(flat(u).every((v) => v >= 0 && v < 1)).toBe(true);
  });

  it('binary methods accept plain numbers on either side', () => {
    const x = tensor([1, 2, 4], { dtype: 'float64' });
    expect(flat(x.add(1))).toEqual([2, 3, 5]);
    expect(flat(x.sub(1))).toEqual([0, 1, 3]);
    expect(flat(x.mul(2))).toEqual([2, 4, 8]);
    expect(flat(x.div(2))).toEqual([0.5, 1, 2]);
    expect(flat(x.pow(2))).toEqual([1, 4, 16]);
  });

  it('toString marks gradFn and requiresGrad; detach cuts the graph', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    expect(x.toString()).toMatch(/requiresGrad=true/);
    const y = x.mul(2);
    expect(y.toString()).toMatch(/gradFn=mul/);
    const d = y.detach();
    expect(d.gradFn).toBeNull();
    expect(d.requiresGrad).toBe(false);
    expect(d.data).toBe(y.data);
  });
});

describe('op behaviours', () => {
  it('maximum/minimum split the gradient equally on ties (as PyTorch)', () => {
    const a = tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
    const b = tensor([1, 5, 0], { dtype: 'float64', requiresGrad: true });
    a.maximum(b).sum().backward();
    expect(flat(a.grad)).toEqual([0.5, 0, 1]);
    expect(flat(b.grad)).toEqual([0.5, 1, 0]);
  });

  it('max along a dim sends the gradient to the returned (first) index; over all, tied maxima share it (torch)', () => {
    const x = tensor([[3, 1, 3], [0, 2, 2]], { dtype: 'float64', requiresGrad: true });
    x.max(1).values.sum().backward();
    expect(x.grad!.toArray()).toEqual([[1, 0, 0], [0, 1, 0]]);
    const y = tensor([[3, 1, 3], [0, 2, 2]], { dtype: 'float64', requiresGrad: true });
    y.max().backward();
    expect(y.grad!.toArray()).toEqual([[0.5, 0, 0.5], [0, 0, 0]]);
  });

  it('logSoftmax and logsumexp stay finite and exact for large logits', () => {
    const logits = [1000, 1001, 999, -1000];
    const x = tensor([logits], { dtype: 'float64', requiresGrad: true });
    const ls = logSoftmax(x, 1);
    // oracle: shift by the max by hand, in float64
    const m = 1001;
    const lse = m + Math.log(logits.reduce((p, v) => p + Math.exp(v - m), 0));
    flat(ls).forEach((v, i) => expect(v).toBeCloseTo(logits[i]! - lse, 10));
    expect(x.logsumexp(1).item()).toBeCloseTo(lse, 10);
    ls.slice(1, 0, 1).sum().backward();
    const softmax = logits.map((v) => Math.exp(v - lse));
    flat(x.grad).forEach((g, i) => expect(g).toBeCloseTo((i === 0 ? 1 : 0) - softmax[i]!, 10));
    expect(flat(x.grad).every(Number.isFinite)).toBe(true);
    const f32 = tensor([[1e4, 0]], { requiresGrad: true }).logSoftmax(1);
    expect(flat(f32)).toEqual([0, -1e4]);
  });

  it('cast between float32 and float64 is differentiable and returns gradients in the leaf dtype', () => {
    const x = tensor([0.5, 1.5], { requiresGrad: true });
    const y = x.to('float64').square().sum();
    expect(y.dtype).toBe('float64');
    y.backward();
    expect(x.grad!.dtype).toBe('float32');
    expect(flat(x.grad)).toEqual([1, 3]);
    const i = x.cast('int32');
    expect(i.dtype).toBe('int32');
    expect(i.requiresGrad).toBe(false);
  });

  it('softmax sums to one along its axis', () => {
    const s = tensor([[1, 2, 3], [0, 0, 0]], { dtype: 'float64' }).softmax(1).sum(1);
    flat(s).forEach((v) => expect(v).toBeCloseTo(1, 12));
  });
});

describe('gradcheck', () => {
  const wrongSquare = defineFunction({
    name: 'gradcheckTestWrongSquare',
    forward: (_c, a: K.NDArray) => K.square(a),
    backward: (_c, g) => [K.mulScalar(g, 3)], // the true gradient is 2a
  });

  it('reports the worst input element with analytic, numeric and difference', () => {
    const x = tensor([0.5, -2, 1], { dtype: 'float64', requiresGrad: true });
    let message = '';
    try {
      gradcheck((t) => wrongSquare(t), [x]);
    } catch (e) {
      expect(e).toBeInstanceOf(GradcheckError);
      message = (e as Error).message;
    }
    // worst: element [1], analytic 3, numeric 2 * -2 = -4, difference 7
    expect(message).toMatch(/input 0 \(shape \[3\]\) element \[1\], output element \[1\]: analytic 3, numeric -4\.0000\d*, difference 7\.0000/);
  });

  it('returns false with raiseException: false, and true for a correct Function', () => {
    const x = tensor([0.5, -2, 1], { dtype: 'float64', requiresGrad: true });
    expect(gradcheck((t) => wrongSquare(t), [x], { raiseException: false })).toBe(false);
    expect(gradcheck((t) => t.square(), [x])).toBe(true);
  });

  it('checks the full Jacobian: a wrong off-diagonal entry is caught', () => {
    // y = [a0 + a1, a1]; the backward forgets that y0 depends on a1
    const leaky = defineFunction({
      name: 'gradcheckTestLeaky',
      forward: (_c, a: K.NDArray) => K.fromArray([a.get(0) + a.get(1), a.get(1)], 'float64'),
      backward: (_c, g) => [K.fromArray([g.get(0), g.get(1)], 'float64')],
    });
    const x = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    expect(() => gradcheck((t) => leaky(t), [x])).toThrow(/element \[1\], output element \[0\]: analytic 0, numeric 1/);
  });

  it('an expanded (overlapping) input is checked per memory location', () => {
    const base = tensor([0.3, -0.4], { dtype: 'float64' });
    const expanded = fromNDArray(base.data.expand([3, 2]), true);
    expect(gradcheck((t) => t.square().mul(tensor([[1, 2], [3, 4], [5, 6]], { dtype: 'float64' })).sum(0), [expanded])).toBe(true);
  });
});
