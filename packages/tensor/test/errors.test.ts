// Every bad input named by issue 2 throws a TensorError whose message starts with the op and says what it got
// and what it expected: broadcasting, axes, reshape sizes, bad sizes, dtype mismatches, indices out of range.
import { describe, expect, it } from 'vitest';
import * as T from '../src/index';
import { NDArray, TensorError } from '../src/index';

/** Asserts fn throws a TensorError for `op` whose message matches every pattern. */
function expectTensorError(fn: () => unknown, op: string, ...patterns: RegExp[]): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(TensorError);
  const err = caught as TensorError;
  expect(err).toBeInstanceOf(Error);
  expect(err.op).toBe(op);
  expect(err.message.startsWith(`${op}: `)).toBe(true);
  for (const p of patterns) expect(err.message).toMatch(p);
}

const a23 = (): NDArray => T.arange(6).reshape([2, 3]);

describe('non-broadcastable shapes', () => {
  it('binary ops, where and assign', () => {
    expectTensorError(() => T.add(a23(), T.zeros([2])), 'add', /\[2, 3\]/, /\[2\]/, /not broadcastable/);
    expectTensorError(() => T.gt(a23(), T.zeros([3, 3])), 'gt', /\[2, 3\] and \[3, 3\]/);
    expectTensorError(() => T.where(T.zeros([4], 'uint8'), a23(), 0), 'where', /not broadcastable/);
    expectTensorError(() => T.assign(T.zeros([3]), a23()), 'assign', /\[2, 3\]/);
    expectTensorError(() => T.assign(T.zeros([2, 3]), T.zeros([2, 1, 3])), 'assign', /does not broadcast to dst shape \[2, 3\]/);
    expectTensorError(() => a23().expand([4, 3]), 'expand', /\[2, 3\] to \[4, 3\]/);
    expectTensorError(() => a23().expand([3]), 'expand', /fewer dims/);
    expectTensorError(() => a23().expand([-2, 3]), 'expand', /bad size -2/);
    expectTensorError(() => T.add(a23(), T.zeros([2, 3]), T.zeros([3, 2])), 'add', /out has shape \[3, 2\], expected \[2, 3\]/);
  });
});

describe('bad axes', () => {
  it('out of range, non-integer and repeated axes name the op and the rank', () => {
    expectTensorError(() => T.sum(a23(), 2), 'sum', /axis 2 is out of range for a tensor of 2 dimensions \(expected -2\.\.1\)/);
    expectTensorError(() => T.mean(a23(), -3), 'mean', /axis -3/);
    expectTensorError(() => T.sum(a23(), 0.5), 'sum', /axis 0.5/);
    expectTensorError(() => T.sum(a23(), [0, -2]), 'sum', /repeated/);
    expectTensorError(() => T.max(a23(), 5), 'max', /axis 5/);
    expectTensorError(() => T.argmin(a23(), 2), 'argmin', /axis 2/);
    expectTensorError(() => T.variance(a23(), 3), 'var', /axis 3/);
    expectTensorError(() => T.logsumexp(a23(), 3), 'logsumexp', /axis 3/);
    expectTensorError(() => T.topk(a23(), 1, 2), 'topk', /axis 2/);
    expectTensorError(() => a23().permute([0, 0]), 'permute', /repeat/);
    expectTensorError(() => a23().permute([0]), 'permute', /expected 2 axes/);
    expectTensorError(() => a23().transpose(0, 2), 'transpose', /axis 2/);
    expectTensorError(() => a23().slice(2, 0), 'slice', /axis 2/);
    expectTensorError(() => a23().flip(3), 'flip', /axis 3/);
    expectTensorError(() => a23().squeeze(2), 'squeeze', /axis 2/);
    expectTensorError(() => a23().unsqueeze(3), 'unsqueeze', /axis 3 is out of range for a tensor of 3 dimensions/);
    expectTensorError(() => a23().narrow(-3, 0, 1), 'narrow', /axis -3/);
    expectTensorError(() => T.gather(a23(), 2, T.zeros([2, 3], 'int32')), 'gather', /axis 2/);
    expectTensorError(() => T.indexSelect(a23(), 2, T.zeros([1], 'int32')), 'indexSelect', /axis 2/);
    expectTensorError(() => T.scatterAdd([2, 3], 2, T.zeros([2, 3], 'int32'), T.zeros([2, 3])), 'scatterAdd', /axis 2/);
  });
});

describe('reshape of the wrong size', () => {
  it('reshape, view, -1 inference', () => {
    expectTensorError(() => a23().reshape([4]), 'reshape', /shape \[4\] is invalid for input of shape \[2, 3\] \(6 elements\)/);
    expectTensorError(() => a23().reshape([4, -1]), 'reshape', /\[4, -1\]/);
    expectTensorError(() => a23().reshape([-1, -1]), 'reshape', /only one dimension can be -1/);
    expectTensorError(() => a23().view([7]), 'view', /\[7\]/);
    expectTensorError(() => a23().transpose().view([6]), 'view', /cannot view shape \[3, 2\] with strides \[1, 3\] as \[6\]; use reshape/);
  });
});

describe('non-integer or negative sizes', () => {
  it('creation, reshape, random, NDArray', () => {
    expectTensorError(() => T.zeros([2, -1]), 'zeros', /non-negative integers, got \[2, -1\]/);
    expectTensorError(() => T.zeros([2.5]), 'zeros', /\[2.5\]/);
    expectTensorError(() => T.ones([NaN]), 'full', /NaN/);
    expectTensorError(() => T.full([-3], 1), 'full', /\[-3\]/);
    expectTensorError(() => T.eye(-1), 'eye', /\[-1, -1\]/);
    expectTensorError(() => T.eye(2, 1.5), 'eye', /1.5/);
    expectTensorError(() => a23().reshape([2, 3.0001]), 'reshape', /non-negative integers/);
    expectTensorError(() => a23().reshape([-2, -3]), 'reshape', /non-negative integers/);
    expectTensorError(() => T.rand([1.5]), 'rand', /\[1.5\]/);
    expectTensorError(() => T.randn([-2]), 'randn', /\[-2\]/);
    expectTensorError(() => T.randint(0, 2, [0.5]), 'randint', /\[0.5\]/);
    expectTensorError(() => T.permutation(2.5), 'permutation', /2.5/);
    expectTensorError(() => new NDArray(T.Storage.alloc('float32', 4), [2, -2]), 'NDArray', /\[2, -2\]/);
    expectTensorError(() => T.fromArray([1, 2], [-1, -2]), 'fromArray', /non-negative/);
    expectTensorError(() => T.scatterAdd([2, -3], 0, T.zeros([1, 1], 'int32'), T.zeros([1, 1])), 'scatterAdd', /\[2, -3\]/);
    expectTensorError(() => T.oneHot(T.zeros([2], 'int32'), 0), 'oneHot', /numClasses must be a positive integer, got 0/);
    expectTensorError(() => T.oneHot(T.zeros([2], 'int32'), 2.5), 'oneHot', /2.5/);
    expectTensorError(() => T.arange(0, 5, 0), 'arange', /non-zero/);
    expectTensorError(() => a23().slice(0, 0, 2, 0), 'slice', /step must be a positive integer, got 0/);
    expectTensorError(() => a23().slice(0, 0.5), 'slice', /integers/);
  });
});

describe('dtype mismatches', () => {
  it('nothing converts silently', () => {
    const f32 = T.zeros([2]);
    const f64 = T.zeros([2], 'float64');
    const i32 = T.zeros([2], 'int32');
    expectTensorError(() => T.add(f32, f64), 'add', /dtype mismatch: float32 and float64; cast one explicitly/);
    expectTensorError(() => T.lt(i32, f32), 'lt', /int32 and float32/);
    expectTensorError(() => T.where(T.zeros([2], 'uint8'), f32, f64), 'where', /float32 and float64/);
    expectTensorError(() => T.assign(f32, i32), 'assign', /float32 and int32/);
    expectTensorError(() => T.add(f32, f32, T.zeros([2], 'float64')), 'add', /out has dtype float64, expected float32/);
    expectTensorError(() => T.eq(f32, f32, T.zeros([2])), 'eq', /out has dtype float32, expected uint8/);
    expectTensorError(() => T.div(i32, i32), 'div', /expected float tensors, got int32/);
    expectTensorError(() => T.pow(i32, 2), 'pow', /int32/);
    expectTensorError(() => T.exp(i32), 'exp', /expected a float tensor, got int32/);
    expectTensorError(() => T.mean(i32), 'mean', /expected a float32 or float64 tensor, got int32/);
    expectTensorError(() => T.variance(i32), 'var', /int32/);
    expectTensorError(() => T.logsumexp(T.zeros([2], 'uint8')), 'logsumexp', /uint8/);
    expectTensorError(() => T.add(i32, 0.5), 'add', /scalar 0.5 is not an integer but the tensor is int32/);
    expectTensorError(() => T.mulScalar(i32, 1.5), 'mulScalar', /1.5/);
    expectTensorError(() => T.gt(T.zeros([2], 'uint8'), -1), 'gt', /scalar -1 is outside the range of uint8/);
    expectTensorError(() => T.add(i32, 2 ** 31), 'add', /outside the range of int32/);
    expectTensorError(() => T.clamp(i32, 0.5, 2), 'clamp', /bounds 0.5, 2 are not integers but the tensor is int32/);
    expectTensorError(() => T.clamp(f32, 2, 1), 'clamp', /min 2 is greater than max 1/);
    expectTensorError(() => T.addScalar(T.zeros([1], 'uint8'), 0.5), 'addScalar', /uint8/);
    expectTensorError(() => T.gather(f32, 0, T.zeros([2])), 'gather', /index must be int32 \(or uint8\), got float32/);
    expectTensorError(() => T.indexSelect(f32, 0, T.zeros([1], 'float64')), 'indexSelect', /float64/);
    expectTensorError(() => T.oneHot(T.zeros([1]), 3), 'oneHot', /float32/);
    expectTensorError(() => T.scatterAdd([2], 0, T.zeros([1]), T.zeros([1])), 'scatterAdd', /float32/);
    expectTensorError(() => T.fromArray(new Float64Array(2), 'float32'), 'fromArray', /typed array is float64 but dtype float32 was requested; cast explicitly/);
    expectTensorError(() => T.full([1], 0.5, 'int32'), 'full', /0.5/);
    expectTensorError(() => T.rand([1], { dtype: 'int32' }), 'rand', /int32/);
    expectTensorError(() => i32.assertFloat('myop'), 'myop', /got int32/);
  });
});

describe('inconsistent buffers', () => {
  it('a layout reaching outside its buffer, or a buffer of another dtype, is refused', () => {
    const st = T.Storage.alloc('float32', 6);
    expectTensorError(() => new NDArray(st, [7]), 'NDArray', /positions 0\.\.6 outside a buffer of 6 elements/);
    expectTensorError(() => new NDArray(st, [2, 2], [3, 1], 3), 'NDArray', /outside/);
    expectTensorError(() => new NDArray(st, [3], [-1], 1), 'NDArray', /positions -1\.\.1/);
    expect(new NDArray(st, [3], [-2], 4).toArray()).toEqual([0, 0, 0]);
    expect(new NDArray(st, [0, 9], [100, 100], 50).size).toBe(0);
    expectTensorError(() => new NDArray(st, [2], [1, 1]), 'NDArray', /strides \[1, 1\] do not match shape \[2\]/);
    expectTensorError(() => new T.Storage(new Float32Array(2), 'int32'), 'Storage', /a float32 buffer cannot hold dtype int32/);
    expectTensorError(() => T.dtypeOf(new Int16Array(2) as unknown as Float32Array), 'dtypeOf', /got \[object Int16Array\]/);
    expectTensorError(() => T.fromArray(new Int8Array(2) as unknown as Float32Array), 'dtypeOf', /Int8Array/);
  });
});

describe('indices out of range', () => {
  it('element access, indexing kernels, narrow, topk, item', () => {
    expectTensorError(() => a23().get(2, 0), 'get', /index 2 is out of range for dim 0 of size 2/);
    expectTensorError(() => a23().get(0, -4), 'get', /index -4 .* size 3/);
    expectTensorError(() => a23().get(0), 'get', /expected 2 indices for shape \[2, 3\], got 1/);
    expectTensorError(() => a23().set(1, 0, 3), 'set', /index 3/);
    expectTensorError(() => a23().get(0.5, 0), 'get', /index 0.5/);
    expectTensorError(() => a23().item(), 'item', /one element, got shape \[2, 3\]/);
    expectTensorError(() => T.gather(a23(), 1, T.fromArray([[0, 3]], 'int32')), 'gather', /index 3 is out of range for dim 1 of size 3/);
    expectTensorError(() => T.gather(a23(), 1, T.fromArray([[-1]], 'int32')), 'gather', /index -1/);
    expectTensorError(() => T.gather(a23(), 1, T.zeros([3, 1], 'int32')), 'gather', /exceeds input shape/);
    expectTensorError(() => T.scatterAdd([2, 3], 1, T.fromArray([[5]], 'int32'), T.zeros([1, 1])), 'scatterAdd', /index 5 is out of range for dim 1 of size 3/);
    expectTensorError(() => T.scatterAdd([2, 3], 1, T.zeros([3, 1], 'int32'), T.zeros([3, 1])), 'scatterAdd', /exceeds/);
    expectTensorError(() => T.scatterAdd([2, 3], 1, T.zeros([1, 2], 'int32'), T.zeros([1, 1])), 'scatterAdd', /exceeds src \[1, 1\]/);
    expectTensorError(() => T.indexSelect(a23(), 0, T.fromArray([0, 2], 'int32')), 'indexSelect', /index 2 is out of range for dim 0 of size 2/);
    expectTensorError(() => T.indexSelect(a23(), 0, T.zeros([1, 1], 'int32')), 'indexSelect', /1-d/);
    expectTensorError(() => T.indexSelect(T.scalar(5), 0, T.fromArray([1], 'int32')), 'indexSelect', /0-d input takes the single index \[0\]/);
    expectTensorError(() => T.oneHot(T.fromArray([0, 4], 'int32'), 4), 'oneHot', /class index 4 is out of range \[0, 4\)/);
    expectTensorError(() => a23().narrow(1, 2, 2), 'narrow', /start 2 \+ length 2 exceeds dim 1 of size 3/);
    expectTensorError(() => T.topk(a23(), 4, 1), 'topk', /k=4 is out of range for dim 1 of size 3/);
    expectTensorError(() => T.max(T.zeros([0])), 'max', /empty/);
    expectTensorError(() => T.sum(T.fromArray(new Int32Array([2147483647, 1]))), 'sum', /the int32 sum 2147483648 overflows int32/);
    expectTensorError(() => T.argmax(T.zeros([2, 0]), 1), 'argmax', /empty/);
  });
});
