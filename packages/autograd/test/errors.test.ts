// Clear errors that name the Function: wrong gradient count/shape/dtype, in-place edits of saved tensors,
// backward without grad, and backward on a non-scalar without a gradient.
import { describe, expect, it } from 'vitest';
import * as K from '@adder/tensor';
import { AutogradError, add, defineFunction, tensor, where, zeros } from '@adder/autograd';

const x64 = () => tensor([1, 2], { dtype: 'float64', requiresGrad: true });

describe('engine errors', () => {
  it('a backward returning the wrong number of gradients names the Function', () => {
    const twoGrads = defineFunction({ name: 'errTwoGrads', forward: (_c, a: K.NDArray) => a.clone(), backward: (_c, g) => [g, g] });
    expect(() => twoGrads(x64()).sum().backward()).toThrow(/^errTwoGrads: backward returned 2 gradients, expected 1/);
  });

  it('a backward returning a gradient of the wrong shape names the Function and both shapes', () => {
    const badShape = defineFunction({ name: 'errBadShape', forward: (_c, a: K.NDArray) => a.clone(), backward: (_c, g) => [K.zeros([3], g.dtype)] });
    expect(() => badShape(x64()).sum().backward()).toThrow(/^errBadShape: backward gradient 0 has shape \[3\], but input 0 has shape \[2\]/);
  });

  it('a backward returning a gradient of the wrong dtype names the Function', () => {
    const badDtype = defineFunction({ name: 'errBadDtype', forward: (_c, a: K.NDArray) => a.clone(), backward: (_c, g) => [g.cast('float32')] });
    const err = (() => {
      try {
        badDtype(x64()).sum().backward();
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(AutogradError);
    expect((err as AutogradError).op).toBe('errBadDtype');
    expect((err as Error).message).toMatch(/dtype float32, but input 0 is float64/);
  });

  it('a gradient passed to backward must match the tensor dtype and shape', () => {
    const y = x64().mul(2);
    expect(() => y.backward(K.ones([2], 'float32'))).toThrow(/^backward: gradient has dtype float32, but the tensor is float64/);
    expect(() => y.backward(K.ones([3], 'float64'))).toThrow(/^backward: gradient has shape \[3\], but the tensor has shape \[2\]/);
  });

  it('backward on a tensor that does not require grad', () => {
    expect(() => zeros([2]).sum().backward()).toThrow(/^backward: tensor of shape \[\] does not require grad/);
  });

  it('backward on a non-scalar without a gradient (as PyTorch)', () => {
    expect(() => x64().mul(3).backward()).toThrow(/^backward: grad can be implicitly created only for one-element outputs, got shape \[2\]/);
  });

  it('a saved tensor modified in place makes backward throw, naming the Function (version counter)', () => {
    const x = x64();
    const y = x.exp(); // exp saves its output
    const loss = y.sum();
    K.assign(y.data, 0);
    expect(() => loss.backward()).toThrow(/^exp: saved tensor 0 \(shape \[2\]\) was modified in place.*version 0 at save, 1 now/);
    const a = x64();
    const b = tensor([3, 4], { dtype: 'float64' });
    const z = a.mul(b).sum();
    b.data.set(7, 0); // element write bumps the version too
    expect(() => z.backward()).toThrow(/^mul: saved tensor 1/);
  });

  it('a Function whose forward does not return an NDArray, and a non-tensor argument in the middle', () => {
    const notArray = defineFunction({ name: 'errNotArray', forward: () => 3 as unknown as K.NDArray, backward: (_c, g) => [g] });
    expect(() => notArray(x64())).toThrow(/^errNotArray: forward must return an NDArray/);
    const two = defineFunction({ name: 'errTwoInputs', forward: (_c, a: K.NDArray) => a.clone(), backward: (_c, g) => [g, g] });
    expect(() => two({} as never, x64())).toThrow(/^errTwoInputs: argument 0 is neither a Tensor nor an NDArray/);
  });

  it('a binary op given two plain numbers names the op and both numbers', () => {
    expect(() => add(1, 2)).toThrow(/^add: expected at least one Tensor operand, got two numbers \(1, 2\)/);
    expect(() => where(tensor([1]), 0, 5)).toThrow(/^where: expected at least one Tensor operand, got two numbers \(0, 5\)/);
  });

  it('only float tensors can require grad', () => {
    expect(() => tensor([1, 2], { dtype: 'int32', requiresGrad: true })).toThrow(/only float tensors can require grad/);
  });
});
