// Classification losses as torch.nn.functional: cross-entropy (stable log-softmax; class-index or probability
// targets; (N, C, d1, ...) inputs; per-class weight, ignoreIndex, label smoothing) and NLL.
import { Tensor, checkOptions, gather, where } from '@adder/autograd';
import { NDArray, Storage, fromArray } from '@adder/tensor';
import { NNError, nnError } from './errors';

/** How a per-sample loss is reduced. */
export type Reduction = 'mean' | 'sum' | 'none';

/** Class targets: an integer NDArray or Tensor of shape (N) or (N, d1, ...), or a plain array; or, for crossEntropy, float class probabilities shaped as the input. */
export type ClassTarget = NDArray | Tensor | readonly number[];

/** Options of crossEntropy and nllLoss (torch defaults: mean, no weight, ignoreIndex -100, no smoothing). */
export interface ClassLossOptions {
  reduction?: Reduction;
  /** Per-class weights (C): the loss of a sample of class c is scaled by weight[c], and the mean divides by the summed weights of the counted targets (torch's weighted mean). */
  weight?: Tensor | NDArray | null;
  /** Targets equal to this are ignored and not counted by the mean (default -100; class-index targets only). */
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

/** Throws unless a reduction is absent or one of 'mean', 'sum', 'none'. */
export function checkReduction(op: string, r: unknown, allowed: readonly string[] = ['mean', 'sum', 'none']): void {
  if (r !== undefined && !allowed.includes(r as string)) throw new NNError(op, `reduction must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(r)}`);
}

const shapeOf = (s: readonly number[]): string => `[${s.join(', ')}]`;

/** (N, C, d1, ...) -> (N*d1*..., C) with the class dim last (rows in (n, d1, ...) order). */
function rowsOf(op: string, input: Tensor): Tensor {
  if (input.ndim < 2) throw new NNError(op, `expected input of shape (N, C) or (N, C, d1, ...), got ${shapeOf(input.shape)}`);
  if (input.ndim === 2) return input;
  const axes = [0, ...input.shape.slice(2).map((_, i) => i + 2), 1];
  return input.permute(axes).reshape([-1, input.shape[1]!]);
}

/** The per-class weight vector as float values (C), or null; throws unless it is 1-D of C entries. */
function classWeights(op: string, weight: Tensor | NDArray | null | undefined, c: number): Float64Array | null {
  if (weight === undefined || weight === null) return null;
  if (!(weight instanceof Tensor || weight instanceof NDArray)) throw new NNError(op, `weight must be a Tensor or NDArray of ${c} class weights, got ${typeof weight}`);
  const a = weight instanceof Tensor ? weight.data : weight;
  if (a.ndim !== 1 || a.shape[0] !== c) throw new NNError(op, `weight must have shape [${c}] (one per class), got ${shapeOf(a.shape)}`);
  return Float64Array.from(a.toTyped() as ArrayLike<number>);
}

/** A float target shaped as the input: class probabilities (torch's soft targets). */
function isProbabilityTarget(input: Tensor, target: ClassTarget): target is Tensor | NDArray {
  if (!(target instanceof Tensor || target instanceof NDArray)) return false;
  const t = target instanceof Tensor ? target.data : target;
  return (t.dtype === 'float32' || t.dtype === 'float64') && t.ndim === input.ndim && t.shape.every((d, i) => d === input.shape[i]);
}

/**
 * The loss of class-index targets from log-probabilities logp (R, C) whose rows are the flattened samples:
 * row r's loss is -(1 - eps) w[t_r] logp[r, t_r] - (eps/C) sum_c w_c logp[r, c] (w = 1 without weights), zero for
 * ignored rows; the mean divides by sum of w[t_r] over counted rows (torch's nll_loss and label smoothing). The
 * target entry is gathered, not multiplied by a one-hot row, so that a -Inf logit of another class stays finite.
 */
function classIndexLoss(op: string, logp: Tensor, input: Tensor, target: ClassTarget, o: ResolvedOptions): Tensor {
  const c = logp.shape[1]!;
  const sampleShape = [input.shape[0]!, ...input.shape.slice(2)];
  const t = flatTargets(op, target, sampleShape, input.shape);
  const rows = logp.shape[0]!;
  const w = classWeights(op, o.weight, c);
  const eps = o.labelSmoothing;
  const index = Storage.alloc('int32', rows);
  const rowWeight = Storage.alloc(logp.dtype, rows);
  const counted = Storage.alloc('uint8', rows);
  let denominator = 0;
  for (let r = 0; r < rows; r++) {
    const tr = t[r]!;
    if (tr === o.ignoreIndex) continue;
    if (!Number.isInteger(tr) || tr < 0 || tr >= c) {
      throw new NNError(op, `target ${tr} at index ${r} is out of range for ${c} classes (expected 0..${c - 1} or ignoreIndex ${o.ignoreIndex})`);
    }
    index.data[r] = tr;
    const wt = w === null ? 1 : w[tr]!;
    rowWeight.data[r] = (1 - eps) * wt;
    counted.data[r] = 1;
    denominator += wt;
  }
  const picked = gather(logp, 1, new NDArray(index, [rows, 1])).reshape([rows]);
  const mask = new NDArray(counted, [rows]);
  let perRow = where(mask, picked.mul(new Tensor(new NDArray(rowWeight, [rows]))), 0).neg();
  if (eps > 0) {
    // the smoothing term: (eps/C) sum_c w_c (-logp[r, c]) on counted rows
    const cw = Storage.alloc(logp.dtype, c);
    for (let j = 0; j < c; j++) cw.data[j] = (eps / c) * (w === null ? 1 : w[j]!);
    const smooth = logp.mul(new Tensor(new NDArray(cw, [c]))).sum(1).neg();
    perRow = perRow.add(where(mask, smooth, 0));
  }
  if (o.reduction === 'none') return perRow.reshape(sampleShape);
  const total = perRow.sum();
  // the mean divides by the counted targets' weights (NaN when every target is ignored, as PyTorch)
  return o.reduction === 'sum' ? total : total.div(denominator);
}

/** The class indices of a target of the input's sample shape (N, d1, ...), flattened in row-major order. */
function flatTargets(op: string, target: ClassTarget, sampleShape: readonly number[], inputShape: readonly number[]): ArrayLike<number> {
  if (target instanceof Tensor || target instanceof NDArray) {
    const a = target instanceof Tensor ? target.data : target;
    if (a.ndim !== sampleShape.length || a.shape.some((d, i) => d !== sampleShape[i])) {
      throw new NNError(op, `expected a target of class indices of shape ${shapeOf(sampleShape)} (or class probabilities of the input's shape), got ${a.dtype} ${shapeOf(a.shape)}`);
    }
    return a.contiguous().toTyped();
  }
  const n = sampleShape.reduce((p, d) => p * d, 1);
  if (sampleShape.length !== 1 || target.length !== n) {
    throw new NNError(op, `expected ${n} targets for an input of shape ${shapeOf(inputShape)}, got ${target.length}`);
  }
  return target;
}

/**
 * The loss of probability targets p (the input's shape): row r's loss is -sum_c w_c q[r, c] logp[r, c] with
 * q = (1 - eps) p + eps/C; the mean divides by the number of samples (torch's soft-target cross_entropy).
 */
function probabilityLoss(op: string, logp: Tensor, input: Tensor, target: Tensor | NDArray, o: ResolvedOptions): Tensor {
  if (o.ignoreIndex !== -100) throw new NNError(op, `ignoreIndex ${o.ignoreIndex} applies to class-index targets, not to probability targets`);
  const c = logp.shape[1]!;
  const tt = target instanceof Tensor ? target : new Tensor(target);
  if (tt.dtype !== logp.dtype) throw new NNError(op, `probability target dtype ${tt.dtype} differs from input dtype ${logp.dtype}`);
  let q = rowsOf(op, tt);
  const eps = o.labelSmoothing;
  if (eps > 0) q = q.mul(1 - eps).add(eps / c);
  const w = classWeights(op, o.weight, c);
  if (w !== null) q = q.mul(new Tensor(fromArray(Array.from(w), logp.dtype)));
  const perRow = logp.mul(q).sum(1).neg();
  const sampleShape = [input.shape[0]!, ...input.shape.slice(2)];
  if (o.reduction === 'none') return perRow.reshape(sampleShape);
  return o.reduction === 'sum' ? perRow.sum() : perRow.mean();
}

interface ResolvedOptions {
  reduction: Reduction;
  weight: Tensor | NDArray | null;
  ignoreIndex: number;
  labelSmoothing: number;
}

function resolve(op: string, o: ClassLossOptions, allowed: readonly string[]): ResolvedOptions {
  checkOptions(op, o, allowed, nnError);
  checkReduction(op, o.reduction);
  const eps = o.labelSmoothing ?? 0;
  if (!(eps >= 0 && eps <= 1)) throw new NNError(op, `labelSmoothing must be in [0, 1], got ${eps}`);
  const ignoreIndex = o.ignoreIndex ?? -100;
  if (!Number.isInteger(ignoreIndex)) throw new NNError(op, `ignoreIndex must be an integer, got ${JSON.stringify(ignoreIndex)}`);
  return { reduction: o.reduction ?? 'mean', weight: o.weight ?? null, ignoreIndex, labelSmoothing: eps };
}

/**
 * Cross-entropy of logits (N, C) or (N, C, d1, ...) through a stable log-softmax over dim 1, as
 * torch.nn.functional.cross_entropy: against class indices (N) or (N, d1, ...), or against class probabilities
 * shaped as the logits (float targets); with per-class `weight`, `ignoreIndex` and `labelSmoothing`.
 */
export function crossEntropy(logits: Tensor, target: ClassTarget, options: ClassLossOptions = {}): Tensor {
  const o = resolve('crossEntropy', options, ['reduction', 'weight', 'ignoreIndex', 'labelSmoothing']);
  const logp = rowsOf('crossEntropy', logits).logSoftmax(1);
  if (isProbabilityTarget(logits, target)) return probabilityLoss('crossEntropy', logp, logits, target, o);
  return classIndexLoss('crossEntropy', logp, logits, target, o);
}

/** Negative log-likelihood of log-probabilities (N, C) or (N, C, d1, ...) against class indices, as torch.nn.functional.nll_loss. */
export function nllLoss(logProbs: Tensor, target: ClassTarget, options: Omit<ClassLossOptions, 'labelSmoothing'> = {}): Tensor {
  const o = resolve('nllLoss', options, ['reduction', 'weight', 'ignoreIndex']);
  return classIndexLoss('nllLoss', rowsOf('nllLoss', logProbs), logProbs, target, o);
}
