// Knowledge distillation (Hinton, Vinyals & Dean 2015): KL divergence between temperature-softened teacher and
// student distributions, mixed with the hard-label cross-entropy, as in the AdderNet follow-up PKKD's simplest form.
import { Tensor, checkOptions } from '@adder/autograd';
import { NDArray, sameShape } from '@adder/tensor';
import { NNError, nnError } from './errors';
import { checkReduction, crossEntropy, type ClassTarget } from './loss';

/** How klDiv reduces: torch's 'batchmean' (sum / N, the true KL per sample), 'sum', 'mean' (over elements) or 'none'. */
export type KLReduction = 'batchmean' | 'sum' | 'mean' | 'none';

/**
 * torch.nn.functional.kl_div(input, target): KL(p || q) with input = log q (log-probabilities) and target = p
 * (probabilities): sum p * (log p - log q), where p log p counts 0 at p = 0 (xlogy). The target gets no gradient.
 */
export function klDiv(input: Tensor, target: Tensor | NDArray, options: { reduction?: KLReduction } = {}): Tensor {
  checkOptions('klDiv', options, ['reduction'], nnError);
  checkReduction('klDiv', options.reduction, ['batchmean', 'sum', 'mean', 'none']);
  const p = target instanceof Tensor ? target.data : target;
  if (!sameShape(input.shape, p.shape)) {
    throw new NNError('klDiv', `input shape [${input.shape.join(', ')}] and target shape [${p.shape.join(', ')}] differ`);
  }
  if (p.dtype !== input.dtype) throw new NNError('klDiv', `input is ${input.dtype} but target is ${p.dtype}`);
  const pc = p.contiguous();
  const plogp = pc.clone();
  const d = pc.data, o = plogp.data;
  for (let i = 0; i < d.length; i++) o[i] = d[i] === 0 ? 0 : d[i]! * Math.log(d[i]!);
  const pointwise = new Tensor(plogp).sub(input.mul(new Tensor(pc)));
  const r = options.reduction ?? 'batchmean';
  if (r === 'none') return pointwise;
  if (r === 'sum') return pointwise.sum();
  if (r === 'mean') return pointwise.mean();
  if (input.ndim < 1 || input.shape[0] === 0) throw new NNError('klDiv', `'batchmean' needs a non-empty batch dim, got shape [${input.shape.join(', ')}]`);
  return pointwise.sum().div(input.shape[0]!);
}

/** Options of distillationLoss: the weight of the soft term and the temperature. */
export interface DistillationOptions {
  /** alpha in (1 - alpha) * CE + alpha * T^2 * KL; in [0, 1] (default 0.5). */
  alpha?: number;
  /** T > 0: both logits are divided by it before the softmax (default 4). */
  temperature?: number;
  /** label smoothing of the hard cross-entropy term (default 0). */
  labelSmoothing?: number;
}

/**
 * Hinton's distillation loss: (1 - alpha) * crossEntropy(student, target) + alpha * T^2 *
 * KL(softmax(teacher / T) || softmax(student / T)) per sample (batchmean). The T^2 keeps the soft term's
 * gradient on the scale of the hard one (eq. 2 of Hinton et al. and its footnote). The teacher gets no gradient.
 */
export function distillationLoss(student: Tensor, teacher: Tensor | NDArray, target: ClassTarget, options: DistillationOptions = {}): Tensor {
  checkOptions('distillationLoss', options, ['alpha', 'temperature', 'labelSmoothing'], nnError);
  const alpha = options.alpha ?? 0.5;
  const T = options.temperature ?? 4;
  if (!(alpha >= 0 && alpha <= 1)) throw new NNError('distillationLoss', `alpha must be in [0, 1], got ${alpha}`);
  if (!(T > 0 && Number.isFinite(T))) throw new NNError('distillationLoss', `temperature must be a positive number, got ${T}`);
  const t = teacher instanceof Tensor ? teacher.data : teacher;
  if (student.ndim !== 2 || !sameShape(student.shape, t.shape)) {
    throw new NNError('distillationLoss', `expected student and teacher logits of one shape (N, C), got [${student.shape.join(', ')}] and [${t.shape.join(', ')}]`);
  }
  const hard = crossEntropy(student, target, { labelSmoothing: options.labelSmoothing ?? 0 });
  if (alpha === 0) return hard;
  const soft = new Tensor(t).div(T).logSoftmax(1).exp().data;
  const kl = klDiv(student.div(T).logSoftmax(1), soft);
  return hard.mul(1 - alpha).add(kl.mul(alpha * T * T));
}
