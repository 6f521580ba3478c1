// Parameter: a Tensor that a Module owns and an optimiser updates (torch.nn.Parameter).
import { Tensor } from '@adder/autograd';
import { NDArray } from '@adder/tensor';
import { NNError } from './errors';

/** How a value that is neither an NDArray nor a Tensor is named in an error. */
function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an Array';
  if (typeof v === 'object') {
    const name = (v as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name !== '' && name !== 'Object' ? `a ${name}` : 'a plain object';
  }
  return typeof v === 'undefined' ? 'undefined' : `a ${typeof v}`;
}

/**
 * A trainable Tensor (requiresGrad true unless frozen); setting requiresGrad = false freezes it.
 * Takes an NDArray, or a Tensor as torch.nn.Parameter(tensor) does: the Parameter holds that Tensor's
 * data (the same array, detached from its graph; a Parameter of a Parameter is fine). Anything else throws.
 */
export class Parameter extends Tensor {
  constructor(data: NDArray | Tensor, requiresGrad = true) {
    const array: unknown = data instanceof Tensor ? data.data : data;
    if (!(array instanceof NDArray)) throw new NNError('Parameter', `expected an NDArray or a Tensor, got ${describeValue(data)}`);
    super(array, requiresGrad);
  }
  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}
