// layerNorm and groupNorm as torch.nn.functional: normalisation over the trailing dims of each sample (layer) or
// over each group of channels of each sample (group), composed of registered autograd Functions (mean, var,
// rsqrt, ...), so that their backward is the chain rule of those.
import { Tensor, checkOptions } from '@adder/autograd';
import type { NDArray } from '@adder/tensor';
import { NNError, nnError } from '../errors';

/** Options of layerNorm and groupNorm: the affine weight and bias (absent: none) and eps (default 1e-5). */
export interface NormOptions {
  /** Scale (gamma): normalizedShape for layerNorm, (C) for groupNorm. */
  weight?: Tensor | NDArray | null;
  /** Shift (beta), shaped as the weight. */
  bias?: Tensor | NDArray | null;
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
}

const asTensor = (t: Tensor | NDArray): Tensor => (t instanceof Tensor ? t : new Tensor(t));
const fmt = (s: readonly number[]): string => `[${s.join(', ')}]`;

/** (x - mean) / sqrt(var + eps) over `axes`, with the biased variance (torch's normalisation). */
function normalize(x: Tensor, axes: number[], eps: number): Tensor {
  const mean = x.mean(axes, true);
  const centered = x.sub(mean);
  const variance = centered.square().mean(axes, true);
  return centered.mul(variance.add(eps).rsqrt());
}

function resolveEps(op: string, options: NormOptions): number {
  checkOptions(op, options, ['weight', 'bias', 'eps'], nnError);
  const eps = options.eps ?? 1e-5;
  if (typeof eps !== 'number' || !(eps >= 0)) throw new NNError(op, `eps must be a number >= 0, got ${JSON.stringify(eps)}`);
  return eps;
}

/** An affine parameter as a Tensor of shape `want` viewed as `view`, or null; throws naming op and parameter. */
function affine(op: string, name: string, p: Tensor | NDArray | null | undefined, want: readonly number[], view: readonly number[]): Tensor | null {
  if (p === undefined || p === null) return null;
  const t = asTensor(p);
  if (t.ndim !== want.length || t.shape.some((d, i) => d !== want[i])) throw new NNError(op, `${name} must have shape ${fmt(want)}, got ${fmt(t.shape)}`);
  return t.reshape([...view]);
}

/**
 * torch.nn.functional.layer_norm: y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias, the statistics taken over
 * the last normalizedShape.length dims of x (which must equal normalizedShape); weight and bias have normalizedShape.
 */
export function layerNorm(x: Tensor, normalizedShape: number | readonly number[], options: NormOptions = {}): Tensor {
  const eps = resolveEps('layerNorm', options);
  const shape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
  const k = shape.length;
  const tail = x.shape.slice(x.ndim - k);
  if (k === 0 || x.ndim < k || tail.some((d, i) => d !== shape[i])) {
    throw new NNError('layerNorm', `input shape ${fmt(x.shape)} does not end with normalizedShape ${fmt(shape)}`);
  }
  const axes = shape.map((_, i) => x.ndim - k + i);
  let y = normalize(x, axes, eps);
  const w = affine('layerNorm', 'weight', options.weight, shape, shape);
  const b = affine('layerNorm', 'bias', options.bias, shape, shape);
  if (w !== null) y = y.mul(w);
  if (b !== null) y = y.add(b);
  return y;
}

/**
 * torch.nn.functional.group_norm: the C channels of x (N, C, *) split into numGroups groups of C/numGroups; each
 * (sample, group) is normalised over its channels and positions, then scaled and shifted per channel by weight
 * and bias (C).
 */
export function groupNorm(x: Tensor, numGroups: number, options: NormOptions = {}): Tensor {
  const eps = resolveEps('groupNorm', options);
  if (x.ndim < 2) throw new NNError('groupNorm', `expected an input (N, C, *), got ${fmt(x.shape)}`);
  const [n, c] = x.shape as [number, number];
  if (!Number.isInteger(numGroups) || numGroups < 1 || c % numGroups !== 0) {
    throw new NNError('groupNorm', `numGroups must be a positive integer dividing the ${c} channels, got ${JSON.stringify(numGroups)}`);
  }
  const grouped = x.reshape([n, numGroups, -1]);
  let y = normalize(grouped, [2], eps).reshape([...x.shape]);
  const perChannel = [c, ...x.shape.slice(2).map(() => 1)];
  const w = affine('groupNorm', 'weight', options.weight, [c], perChannel);
  const b = affine('groupNorm', 'bias', options.bias, [c], perChannel);
  if (w !== null) y = y.mul(w);
  if (b !== null) y = y.add(b);
  return y;
}
