// Clear errors that name the Function: wrong gradient count/shape/dtype (a broadcast shape included),
// in-place edits of saved tensors, backward without grad, backward on a non-scalar without a gradient,
// and a second Function under a taken name.
import { describe, expect, it } from 'vitest';
import * as K from '@adder/tensor';
import { AutogradError, add, defineFunction, getFunction, sumToShape, tensor, where, zeros } from '@adder/autograd';

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

  it('a backward gradient that merely broadcasts to its input is rejected too: the engine sums nothing', () => {
    // the input is [3]; a [2, 3] gradient broadcasts from it, but only the Function knows how to reduce it
    const widen = defineFunction({
      name: 'errBroadcastGrad',
      forward: (_ctx, a: K.NDArray) => K.mul(a, K.ones([2, 3], a.dtype)),
      backward: (_ctx, g) => [g],
    });
    expect(() => widen(tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true })).sum().backward()).toThrow(
      /^errBroadcastGrad: backward gradient 0 has shape \[2, 3\], but input 0 has shape \[3\].*sumToShape/,
    );
  });

  it('sumToShape refuses a shape that does not broadcast to the gradient', () => {
    expect(() => sumToShape(K.zeros([2, 3], 'float64'), [2])).toThrow(/^sumToShape: shape \[2\] does not broadcast to the gradient's shape \[2, 3\]/);
    expect(sumToShape(K.ones([2, 3], 'float64'), [1, 3]).toArray()).toEqual([[2, 2, 2]]);
  });

  it('registering a second Function under a taken name is an error', () => {
    expect(getFunction('add')).toBeDefined();
    expect(() => defineFunction({ name: 'add', forward: (_c, a: K.NDArray) => a, backward: (_c, g) => [g] })).toThrow(/'add' is already registered/);
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
    expect(() => loss.backward()).toThrow(/^exp: saved tensor 'out' \(shape \[2\]\) was modified in place.*version 0 at save, 1 now/);
    const a = x64();
    const b = tensor([3, 4], { dtype: 'float64' });
    const z = a.mul(b).sum();
    b.data.set(7, 0); // element write bumps the version too
    expect(() => z.backward()).toThrow(/^mul: saved tensor 'b'/);
    // the positional form (saveForBackward / savedTensors) is checked the same way, naming the position
    const byPosition = defineFunction({
      name: 'errPositional',
      forward(ctx, p: K.NDArray, q: K.NDArray) {
        ctx.saveForBackward(p, q);
        return K.mul(p, q);
      },
      backward(ctx, g) {
        const [p, q] = ctx.savedTensors;
        return [K.mul(g, q!), K.mul(g, p!)];
      },
    });
    const c = tensor([5, 6], { dtype: 'float64' });
    const w = byPosition(x64(), c).sum();
    c.data.set(1, 1);
    expect(() => w.backward()).toThrow(/^errPositional: saved tensor 1 \(shape \[2\]\) was modified in place.*version 0 at save, 1 now/);
  });

  it('a saved array in an array field is checked too, and a Function reads ctx.saved with its type', () => {
    const sumOfBoth = defineFunction<{}, { parts: K.NDArray[]; note: string }>({
      name: 'errSavedArrayField',
      forward(ctx, p: K.NDArray, q: K.NDArray) {
        ctx.save({ parts: [p, q], note: 'kept' });
        return K.add(p, q);
      },
      backward(ctx, g) {
        const { parts, note } = ctx.saved;
        expect(note).toBe('kept');
        expect(parts).toHaveLength(2);
        return [g, g];
      },
    });
    const q = tensor([1, 1], { dtype: 'float64' });
    const y = sumOfBoth(x64(), q).sum();
    K.assign(q.data, 2);
    expect(() => y.backward()).toThrow(/^errSavedArrayField: saved tensor 'parts\[1\]' \(shape \[2\]\) was modified in place/);
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
