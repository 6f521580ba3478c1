// Any entry point initialises the package: the testing module or an op module imported first still
// registers every Function (Tensor and the ops import each other).
import { describe, expect, it } from 'vitest';
import { makeTensor } from '@adder/autograd/testing';
import { listFunctions, tensor } from '@adder/autograd';

describe('import order', () => {
  it('importing @adder/autograd/testing before the entry still registers every Function', () => {
    expect(listFunctions()).toEqual(expect.arrayContaining(['add', 'matmul', 'conv2d', 'pad']));
    const x = makeTensor([2], 'contiguous', 1);
    x.mul(tensor([2, 3], { dtype: 'float64' })).sum().backward();
    expect(Array.from(x.grad!.data.toTyped())).toEqual([2, 3]);
  });
});
