// Gradient clipping by the global L2 norm over all parameters (torch.nn.utils.clip_grad_norm_).
import { NNError } from '../errors';
import type { OptimParam } from './optimizer';

/**
 * Scales every gradient by min(1, maxNorm/(total + 1e-6)), where total is the L2 norm of all
 * gradients concatenated (or the max-abs norm with normType Infinity). Returns the total norm.
 */
export function clipGradNorm(params: Iterable<OptimParam>, maxNorm: number, normType: 2 | number = 2): number {
  if (!(maxNorm >= 0)) throw new NNError('clipGradNorm', `expected maxNorm >= 0, got ${maxNorm}`);
  if (!(normType > 0)) throw new NNError('clipGradNorm', `expected normType > 0, got ${normType}`);
  const grads = [...params].filter((p) => p.grad !== null).map((p) => p.grad!.data);
  let acc = 0;
  for (const g of grads) {
    const d = g.data;
    const offs = g.isContiguous ? null : g.offsets();
    for (let i = 0; i < g.size; i++) {
      const a = Math.abs(d[offs === null ? g.offset + i : offs[i]!]!);
      if (normType === Infinity) acc = Math.max(acc, a);
      else acc += normType === 2 ? a * a : a ** normType;
    }
  }
  const total = normType === Infinity ? acc : normType === 2 ? Math.sqrt(acc) : acc ** (1 / normType);
  const coef = maxNorm / (total + 1e-6);
  if (coef < 1) {
    for (const g of grads) {
      const d = g.data;
      const offs = g.isContiguous ? null : g.offsets();
      for (let i = 0; i < g.size; i++) {
        const o = offs === null ? g.offset + i : offs[i]!;
        d[o] = d[o]! * coef;
      }
      g.storage.version++;
    }
  }
  return total;
}
