// Parameter takes an NDArray or a Tensor (torch's nn.Parameter(tensor)), and refuses anything else by name.
import { tensor } from '@adder/autograd';
import { fromArray } from '@adder/tensor';
import { describe, expect, it } from 'vitest';
import { NNError, Parameter, SGD } from '../src/index';

describe('Parameter', () => {
  it('takes a Tensor, as torch.nn.Parameter(torch.tensor([1, 2, 3])), and the optimiser steps it', () => {
    const t = tensor([1, 2, 3], { dtype: 'float64' });
    const p = new Parameter(t);
    expect(p.data).toBe(t.data);
    expect(p.requiresGrad).toBe(true);
    expect(p.gradFn).toBeNull();
    const opt = new SGD([p], { lr: 0.5 });
    p.mul(p).sum().backward(); // grad 2p
    opt.step();
    expect(p.toArray()).toEqual([0, 0, 0]);
  });

  it('takes a Tensor that is part of a graph (detached) and a Parameter of a Parameter', () => {
    const x = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const p = new Parameter(x.mul(2));
    expect(p.gradFn).toBeNull();
    expect(p.toArray()).toEqual([2, 4]);
    const q = new Parameter(p, false);
    expect(q.data).toBe(p.data);
    expect(q.requiresGrad).toBe(false);
    expect(new Parameter(fromArray([1], 'float32')).toArray()).toEqual([1]);
  });

  it('refuses anything else by name', () => {
    const bad: unknown[] = [[1, 2, 3], 3, null, undefined, { data: 1 }, new Map(), 'w'];
    const names = ['an Array', 'a number', 'null', 'undefined', 'a plain object', 'a Map', 'a string'];
    bad.forEach((v, i) => {
      expect(() => new Parameter(v as never)).toThrow(NNError);
      expect(() => new Parameter(v as never)).toThrow(`Parameter: expected an NDArray or a Tensor, got ${names[i]}`);
    });
  });
});
