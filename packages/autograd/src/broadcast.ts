// sumToShape: how the backward of a broadcasting op gives each input a gradient of that input's shape
// (PyTorch's sum_to). The binary ops (add, mul, where, matmul, ...) and expand call it in their own
// backward; the engine sums nothing and rejects a gradient whose shape is not its input's.
import { NDArray, fmtShape, sameShape, sum } from '@adder/tensor';
import { AutogradError } from './errors';

/** True when `from` broadcasts to `to` (NumPy rules: trailing dims equal or 1 in `from`). */
export function isExpandableTo(from: readonly number[], to: readonly number[]): boolean {
  if (from.length > to.length) return false;
  const lead = to.length - from.length;
  for (let i = 0; i < from.length; i++) {
    const f = from[i]!;
    if (f !== 1 && f !== to[i + lead]) return false;
  }
  return true;
}

/**
 * Sums `grad` over the dims that broadcasting added or stretched, giving an array of `shape`
 * (`grad` itself when it already has that shape). Throws when `shape` does not broadcast to grad's shape.
 */
export function sumToShape(grad: NDArray, shape: readonly number[]): NDArray {
  if (sameShape(grad.shape, shape)) return grad;
  if (!isExpandableTo(shape, grad.shape)) {
    throw new AutogradError('sumToShape', `shape ${fmtShape(shape)} does not broadcast to the gradient's shape ${fmtShape(grad.shape)}`);
  }
  const lead = grad.ndim - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < grad.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && grad.shape[i] !== 1)) axes.push(i);
  }
  const reduced = axes.length > 0 ? sum(grad, axes, true) : grad;
  return reduced.reshape(shape);
}
