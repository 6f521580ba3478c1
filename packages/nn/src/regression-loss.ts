// Element-wise losses as torch.nn.functional: mse_loss, l1_loss, smooth_l1_loss and
// binary_cross_entropy_with_logits, each composed of registered autograd Functions.
import { Tensor, checkOptions, logSigmoid, lt, where } from '@adder/autograd';
import { NDArray, sameShape } from '@adder/tensor';
import { NNError, nnError } from './errors';
import { checkReduction, type Reduction } from './loss';

const asTensor = (t: Tensor | NDArray): Tensor => (t instanceof Tensor ? t : new Tensor(t));

/** The target as a Tensor of the input's shape; throws naming `op` when the shapes differ. */
function sameShapeTarget(op: string, input: Tensor, target: Tensor | NDArray): Tensor {
  const t = asTensor(target);
  if (!sameShape(input.shape, t.shape)) {
    throw new NNError(op, `input shape [${input.shape.join(', ')}] and target shape [${t.shape.join(', ')}] differ`);
  }
  return t;
}

/** Per-element losses reduced as torch's reduction: 'mean' (default) over all elements, 'sum', or 'none'. */
function reduce(losses: Tensor, reduction: Reduction | undefined): Tensor {
  const r = reduction ?? 'mean';
  return r === 'none' ? losses : r === 'sum' ? losses.sum() : losses.mean();
}

/** Mean (or summed) squared error between input and a target of the same shape (torch's mse_loss). */
export function mseLoss(input: Tensor, target: Tensor | NDArray, options: { reduction?: Reduction } = {}): Tensor {
  checkOptions('mseLoss', options, ['reduction'], nnError);
  checkReduction('mseLoss', options.reduction);
  return reduce(input.sub(sameShapeTarget('mseLoss', input, target)).square(), options.reduction);
}

/** Mean (or summed) absolute error |input - target| (torch's l1_loss; the gradient at 0 is 0, as torch's sign). */
export function l1Loss(input: Tensor, target: Tensor | NDArray, options: { reduction?: Reduction } = {}): Tensor {
  checkOptions('l1Loss', options, ['reduction'], nnError);
  checkReduction('l1Loss', options.reduction);
  return reduce(input.sub(sameShapeTarget('l1Loss', input, target)).abs(), options.reduction);
}

/** Options of smoothL1Loss: reduction and beta (default 1), as torch's. */
export interface SmoothL1LossOptions {
  /** 'mean' (default), 'sum' or 'none'. */
  reduction?: Reduction;
  /** Where the loss turns from quadratic to linear (>= 0; 0 gives l1Loss). */
  beta?: number;
}

/** Huber-like loss as torch's smooth_l1_loss: 0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta (d = input - target). */
export function smoothL1Loss(input: Tensor, target: Tensor | NDArray, options: SmoothL1LossOptions = {}): Tensor {
  checkOptions('smoothL1Loss', options, ['reduction', 'beta'], nnError);
  checkReduction('smoothL1Loss', options.reduction);
  const beta = options.beta ?? 1;
  if (typeof beta !== 'number' || !(beta >= 0) || beta === Infinity) throw new NNError('smoothL1Loss', `beta must be a finite number >= 0, got ${JSON.stringify(beta)}`);
  const d = input.sub(sameShapeTarget('smoothL1Loss', input, target));
  const a = d.abs();
  if (beta === 0) return reduce(a, options.reduction);
  // both pieces have slope sign(d) at |d| = beta, so the branch choice is differentiable there
  return reduce(where(lt(a, beta), d.square().mul(0.5 / beta), a.sub(0.5 * beta)), options.reduction);
}

/** Options of binaryCrossEntropyWithLogits, as torch's: weight (broadcast over the loss), posWeight (per class, broadcast over the last dim) and reduction. */
export interface BCEWithLogitsOptions {
  /** Rescales each element's loss; broadcast to the input's shape. */
  weight?: Tensor | NDArray | null;
  /** Weight of the positive term, broadcast to the input (for (N, C) inputs a (C) vector weighs each class). */
  posWeight?: Tensor | NDArray | null;
  /** 'mean' (default), 'sum' or 'none'. */
  reduction?: Reduction;
}

/**
 * Binary cross-entropy of logits x against targets t in [0, 1], as torch's binary_cross_entropy_with_logits in its
 * stable form: loss = -w [p t log sigmoid(x) + (1 - t) log sigmoid(-x)] with p = posWeight (1 without it), and
 * log sigmoid(-x) = log sigmoid(x) - x, so that no exp overflows.
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor | NDArray, options: BCEWithLogitsOptions = {}): Tensor {
  const op = 'binaryCrossEntropyWithLogits';
  checkOptions(op, options, ['weight', 'posWeight', 'reduction'], nnError);
  checkReduction(op, options.reduction);
  const t = sameShapeTarget(op, input, target);
  const logSig = logSigmoid(input);
  // (1 - t)(x - log sigmoid(x)) - p t log sigmoid(x)
  const negative = t.neg().add(1).mul(input.sub(logSig));
  const pos = options.posWeight ?? null;
  const positive = pos === null ? t.mul(logSig) : t.mul(broadcastable(op, 'posWeight', asTensor(pos), input.shape)).mul(logSig);
  let loss = negative.sub(positive);
  const w = options.weight ?? null;
  if (w !== null) loss = loss.mul(broadcastable(op, 'weight', asTensor(w), input.shape));
  return reduce(loss, options.reduction);
}

/** Throws (naming op and option) unless `w` broadcasts to `shape` without growing it. */
function broadcastable(op: string, name: string, w: Tensor, shape: readonly number[]): Tensor {
  const ok = w.ndim <= shape.length && w.shape.every((d, i) => d === 1 || d === shape[shape.length - w.ndim + i]);
  if (!ok) throw new NNError(op, `${name} of shape [${w.shape.join(', ')}] does not broadcast to the input's shape [${shape.join(', ')}]`);
  return w;
}
