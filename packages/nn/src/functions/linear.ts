// linear as torch.nn.functional.linear: y = x W^T + b over the last dim.
import type { Tensor } from '@adder/autograd';
import { NNError } from '../errors';

/** y = x W^T + b for x (..., in), weight (out, in) and an optional bias (out): (..., out). */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  if (weight.ndim !== 2) throw new NNError('linear', `expected a weight (out, in), got shape [${weight.shape.join(', ')}]`);
  const [out, inF] = weight.shape as [number, number];
  if (x.ndim < 1 || x.shape[x.ndim - 1] !== inF) throw new NNError('linear', `expected an input (..., ${inF}) for a weight [${out}, ${inF}], got shape [${x.shape.join(', ')}]`);
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== out)) throw new NNError('linear', `expected a bias [${out}], got shape [${bias.shape.join(', ')}]`);
  const lead = x.shape.slice(0, -1);
  const flat = x.ndim === 2 ? x : x.reshape([-1, inF]);
  let y = flat.matmul(weight.transpose(0, 1));
  if (bias !== null) y = y.add(bias);
  return x.ndim === 2 ? y : y.reshape([...lead, out]);
}
