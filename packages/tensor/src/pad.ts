// Constant padding as torch.nn.functional.pad(x, pads, mode='constant', value).
import { full } from './creation';
import { assign } from './elementwise';
import { TensorError, fmtShape } from './errors';
import type { NDArray } from './ndarray';

/**
 * Pads with a constant. `pads` lists (before, after) pairs starting from the LAST dim, as PyTorch:
 * [left, right] pads the last dim, [left, right, top, bottom] the last two. Negative amounts crop.
 */
export function pad(x: NDArray, pads: readonly number[], value = 0): NDArray {
  if (pads.length % 2 !== 0 || pads.length > 2 * x.ndim || !pads.every(Number.isInteger)) {
    throw new TensorError('pad', `pads must be an even number (at most ${2 * x.ndim}) of integers for shape ${fmtShape(x.shape)}, got ${JSON.stringify(pads)}`);
  }
  const shape = [...x.shape];
  let src = x;
  const before = new Array<number>(x.ndim).fill(0);
  for (let k = 0; k < pads.length / 2; k++) {
    const axis = x.ndim - 1 - k;
    const lo = pads[2 * k]!;
    const hi = pads[2 * k + 1]!;
    const size = x.shape[axis]! + lo + hi;
    if (size < 0) {
      throw new TensorError('pad', `padding ${JSON.stringify(pads)} makes dim ${axis} of shape ${fmtShape(x.shape)} negative (${size})`);
    }
    shape[axis] = size;
    // negative amounts crop the source; positive ones shift it inside the output
    const start = Math.max(-lo, 0);
    const end = Math.max(start, x.shape[axis]! - Math.max(-hi, 0));
    src = src.slice(axis, start, end);
    before[axis] = Math.max(lo, 0);
  }
  const out = full(shape, value, x.dtype);
  if (src.size === 0) return out;
  let dst = out;
  for (let axis = 0; axis < x.ndim; axis++) dst = dst.narrow(axis, before[axis]!, src.shape[axis]!);
  assign(dst, src);
  return out;
}
