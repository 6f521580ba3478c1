// The adder2d Function: finite differences where its dX is the true gradient, dW's direction and norm, options.
import { describe, expect, it } from 'vitest';
import { Tensor, noGrad } from '@adder/autograd';
import { Generator, NDArray, Storage, numelOf } from '@adder/tensor';
import { adder2d } from '../src/index';
import { oracleBackward } from './adderOracle';
import { dense, expectClose, normal } from './helpers';
import { cases } from './adder2d.cases';

/** A float64 array of uniform values in [lo, hi], each with a random sign when `signed`. */
function uniform(shape: number[], seed: number, lo: number, hi: number, signed: boolean): NDArray {
  const gen = new Generator(seed);
  const s = Storage.alloc('float64', numelOf(shape));
  for (let i = 0; i < s.data.length; i++) {
    const v = lo + (hi - lo) * gen.random();
    s.data[i] = signed && gen.random() < 0.5 ? -v : v;
  }
  return new NDArray(s, shape);
}

/** sum(adder2d(x, w) * g) without recording. */
function loss(x: NDArray, w: NDArray, g: NDArray, stride: number, padding: number): number {
  const y = noGrad(() => adder2d(new Tensor(x), new Tensor(w), { stride, padding })).data.toTyped();
  const gd = g.toTyped();
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i]! * gd[i]!;
  return s;
}

describe('adder2d', () => {
  it('dX equals central finite differences when |W - X| >= 1 at every tap (the clamp is then the true sign)', () => {
    for (const [stride, padding, seed] of [[1, 1, 1], [2, 0, 2], [2, 1, 3]] as const) {
      // |x| <= 0.4 and |w| >= 1.5 keep every |w - x| >= 1.1 (padded taps do not depend on x).
      const x = uniform([2, 3, 5, 6], seed, -0.4, 0.4, false);
      const w = uniform([4, 3, 3, 3], seed + 10, 1.5, 3, true);
      const g = normal([2, 4, Math.floor((5 + 2 * padding - 3) / stride) + 1, Math.floor((6 + 2 * padding - 3) / stride) + 1], seed + 20);
      const xt = new Tensor(x, true);
      adder2d(xt, new Tensor(w), { stride, padding }).backward(g);
      const analytic = xt.grad!.data.toTyped();
      const eps = 1e-6;
      const xd = x.data;
      for (let i = 0; i < xd.length; i++) {
        const keep = xd[i]!;
        xd[i] = keep + eps;
        const up = loss(x, w, g, stride, padding);
        xd[i] = keep - eps;
        const down = loss(x, w, g, stride, padding);
        xd[i] = keep;
        expect(Math.abs(analytic[i]! - (up - down) / (2 * eps)), `element ${i}`).toBeLessThan(1e-6);
      }
    }
  });

  it('dX differs from finite differences where |W - X| < 1 (the HardTanh surrogate)', () => {
    const x = fromValue(0.3);
    const w = fromValue(0.5);
    const xt = new Tensor(x, true);
    adder2d(xt, new Tensor(w)).backward(fromValue(1));
    // y = -|x - w|: the true dy/dx = sign(w - x) = 1, the reference's clamp(w - x, -1, 1) = 0.2.
    expect(xt.grad!.item()).toBeCloseTo(0.2, 14);
  });

  it('dW points along sum (X - W) * G and has L2 norm eta * sqrt(numel(W)) whatever the loss scale', () => {
    const x = normal([2, 3, 6, 5], 7);
    const w = normal([5, 3, 3, 3], 8);
    const g = normal([2, 5, 6, 5], 9);
    for (const [eta, scale] of [[0.2, 1], [0.2, 1000], [0.05, 1e-3]] as const) {
      const wt = new Tensor(w, true);
      adder2d(new Tensor(x), wt, { padding: 1, eta }).mul(scale).backward(g);
      const got = wt.grad!.data.toTyped();
      const raw = oracleBackward(dense(x), dense(w), dense(g), 1, 1, eta).rawGradW;
      let gotSq = 0, rawSq = 0, dot = 0;
      for (let i = 0; i < raw.length; i++) {
        gotSq += got[i]! * got[i]!;
        rawSq += raw[i]! * raw[i]!;
        dot += got[i]! * raw[i]!;
      }
      expect(Math.sqrt(gotSq)).toBeCloseTo(eta * Math.sqrt(w.size), 10);
      expect(dot / Math.sqrt(gotSq * rawSq)).toBeCloseTo(1, 12);
    }
  });

  it('defaults to stride 1, padding 0, eta 0.2, and computes only the gradients that are needed', () => {
    const x = normal([2, 2, 4, 5], 1);
    const w = normal([3, 2, 3, 3], 2);
    const g = normal([2, 3, 2, 3], 3);
    const ref = oracleBackward(dense(x), dense(w), dense(g), 1, 0, 0.2);
    const wt = new Tensor(w, true);
    const xt = new Tensor(x, false);
    const y = adder2d(xt, wt);
    expect([...y.shape]).toEqual([2, 3, 2, 3]);
    y.backward(g);
    expect(xt.grad).toBeNull();
    expectClose(wt.grad!.data, ref.gradW, 1e-12);
  });

  it('runs in float32 with the float64 oracle as reference', () => {
    const x = normal([2, 4, 6, 6], 4, 'float32');
    const w = normal([6, 4, 3, 3], 5, 'float32');
    const g = normal([2, 6, 3, 3], 6, 'float32');
    const xt = new Tensor(x, true);
    const wt = new Tensor(w, true);
    adder2d(xt, wt, { stride: 2, padding: 1 }).backward(g);
    const ref = oracleBackward(dense(x), dense(w), dense(g), 2, 1, 0.2);
    expect(xt.grad!.dtype).toBe('float32');
    expectClose(xt.grad!.data, ref.gradX, 1e-6);
    expectClose(wt.grad!.data, ref.gradW, 1e-5);
  });

  it('rejects a non-positive eta', () => {
    expect(() => adder2d(new Tensor(normal([1, 1, 3, 3], 1)), new Tensor(normal([1, 1, 3, 3], 2)), { eta: 0 })).toThrow(/adder2d: expected a positive finite eta/);
  });
});

/** A (1,1,1,1) float64 array holding v. */
function fromValue(v: number): NDArray {
  return NDArray.fromTyped(Float64Array.of(v), [1, 1, 1, 1]);
}

describe('the adder2d Function matches its declared backward (registry case)', () => {
  for (const [name, c] of Object.entries(cases)) it(`${name} (${c.kind})`, () => c.check());
});
