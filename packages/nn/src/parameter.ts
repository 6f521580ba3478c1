// Parameter: a Tensor that a Module owns and an optimiser updates (torch.nn.Parameter).
import { Tensor } from '@adder/autograd';
import type { NDArray } from '@adder/tensor';

/** A trainable Tensor (requiresGrad true unless frozen); setting requiresGrad = false freezes it. */
export class Parameter extends Tensor {
  constructor(data: NDArray, requiresGrad = true) {
    super(data, requiresGrad);
  }
  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}
