// Losses: cross-entropy (stable log-softmax, ignoreIndex, label smoothing), NLL and MSE, as torch.nn.functional.
import { Tensor, checkOptions, refuseOption } from '@adder/autograd';
import { NDArray, Storage, sameShape } from '@adder/tensor';
import { NNError, nnError } from './errors';

/** How a per-sample loss is reduced. */
export type Reduction = 'mean' | 'sum' | 'none';

/** Class targets: an integer NDArray or Tensor of shape (N), or a plain array. */
export type ClassTarget = NDArray | Tensor | readonly number[];

/** Options of crossEntropy and nllLoss (torch defaults: mean, ignoreIndex -100, no smoothing). */
export interface ClassLossOptions {
  reduction?: Reduction;
  /** Targets equal to this are ignored and not counted by the mean (default -100). */
  ignoreIndex?: number;
  /** eps in loss = (1 - eps)*nll + eps*mean over classes of (-log p) (crossEntropy only; default 0). */
  labelSmoothing?: number;
}

/** The class indices of a target as a flat array; throws (naming `op`) unless an NDArray/Tensor target is 1-D. */
export function targetValues(op: string, target: ClassTarget): ArrayLike<number> {
  if (target instanceof Tensor || target instanceof NDArray) {
    const a = target instanceof Tensor ? target.data : target;
    if (a.ndim !== 1) throw new NNError(op, `expected a 1-D target of class indices, got shape [${a.shape.join(', ')}]`);
    return a.toTyped();
  }
  return target;
}

/**
 * The per-entry weights W (N, C) such that the loss of row i is -sum_c W[i, c] * logp[i, c]:
 * (1 - eps) at the target plus eps/C everywhere, zero rows for ignored targets. Returns the row count used.
 */
function lossWeights(op: string, input: Tensor, target: ClassTarget, o: Required<ClassLossOptions>): { weights: NDArray; count: number } {
  if (input.ndim !== 2) throw new NNError(op, `expected input of shape (N, C), got [${input.shape.join(', ')}]`);
  const [n, c] = input.shape as [number, number];
  const t = targetValues(op, target);
  if (t.length !== n) throw new NNError(op, `expected ${n} targets for an input of shape [${n}, ${c}], got ${t.length}`);
  const eps = o.labelSmoothing;
  if (!(eps >= 0 && eps <= 1)) throw new NNError(op, `labelSmoothing must be in [0, 1], got ${eps}`);
  const s = Storage.alloc(input.dtype, n * c);
  const w = s.data;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const ti = t[i]!;
    if (ti === o.ignoreIndex) continue;
    if (!Number.isInteger(ti) || ti < 0 || ti >= c) {
      throw new NNError(op, `target ${ti} at index ${i} is out of range for ${c} classes (expected 0..${c - 1} or ignoreIndex ${o.ignoreIndex})`);
    }
    count++;
    if (eps > 0) for (let j = 0; j < c; j++) w[i * c + j] = eps / c;
    w[i * c + ti] = w[i * c + ti]! + (1 - eps);
  }
  return { weights: new NDArray(s, [n, c]), count };
}

function reduceRows(logp: Tensor, weights: NDArray, count: number, reduction: Reduction): Tensor {
  const weighted = logp.mul(new Tensor(weights));
  if (reduction === 'none') return weighted.sum(1).neg();
  const total = weighted.sum().neg();
  // the mean divides by the number of targets that are not ignored (NaN when all are, as PyTorch)
  return reduction === 'sum' ? total : total.div(count);
}

/** Refuses per-class weights (not implemented; torch's `weight`) by name, then any other unknown key. */
function checkClassOptions(op: string, options: object, allowed: readonly string[]): void {
  const weight = (options as { weight?: unknown }).weight;
  refuseOption(op, 'weight', weight === null ? undefined : weight, () => false, 'per-class weights are not implemented', nnError);
  checkOptions(op, options, [...allowed, 'weight'], nnError);
  checkReduction(op, (options as { reduction?: unknown }).reduction);
}

/** Throws unless a reduction is absent or one of 'mean', 'sum', 'none'. */
export function checkReduction(op: string, r: unknown, allowed: readonly string[] = ['mean', 'sum', 'none']): void {
  if (r !== undefined && !allowed.includes(r as string)) throw new NNError(op, `reduction must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(r)}`);
}

function resolve(o: ClassLossOptions): Required<ClassLossOptions> {
  return { reduction: o.reduction ?? 'mean', ignoreIndex: o.ignoreIndex ?? -100, labelSmoothing: o.labelSmoothing ?? 0 };
}

/** Cross-entropy of logits (N, C) against class indices, through a stable log-softmax. */
export function crossEntropy(logits: Tensor, target: ClassTarget, options: ClassLossOptions = {}): Tensor {
  checkClassOptions('crossEntropy', options, ['reduction', 'ignoreIndex', 'labelSmoothing']);
  const o = resolve(options);
  const { weights, count } = lossWeights('crossEntropy', logits, target, o);
  return reduceRows(logits.logSoftmax(1), weights, count, o.reduction);
}

/** Negative log-likelihood of log-probabilities (N, C) against class indices (no smoothing). */
export function nllLoss(logProbs: Tensor, target: ClassTarget, options: Omit<ClassLossOptions, 'labelSmoothing'> = {}): Tensor {
  checkClassOptions('nllLoss', options, ['reduction', 'ignoreIndex']);
  const o = { ...resolve(options), labelSmoothing: 0 };
  const { weights, count } = lossWeights('nllLoss', logProbs, target, o);
  return reduceRows(logProbs, weights, count, o.reduction);
}

/** Mean (or summed) squared error between input and a target of the same shape. */
export function mseLoss(input: Tensor, target: Tensor | NDArray, options: { reduction?: Reduction } = {}): Tensor {
  checkOptions('mseLoss', options, ['reduction'], nnError);
  checkReduction('mseLoss', options.reduction);
  const t = target instanceof Tensor ? target : new Tensor(target);
  if (!sameShape(input.shape, t.shape)) {
    throw new NNError('mseLoss', `input shape [${input.shape.join(', ')}] and target shape [${t.shape.join(', ')}] differ`);
  }
  const sq = input.sub(t).square();
  const r = options.reduction ?? 'mean';
  return r === 'none' ? sq : r === 'sum' ? sq.sum() : sq.mean();
}
