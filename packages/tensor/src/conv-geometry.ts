// Sliding-window geometry shared by unfold/fold, conv2d and pooling: option parsing, validation, output sizes.
import { TensorError, fmtShape } from './errors';

/** A size given once for both spatial dims, or as [height, width]. */
export type IntPair = number | readonly number[];

/** Stride, padding and dilation of a 2-D convolution (each defaults as in PyTorch: 1, 0, 1). */
export interface Conv2dOptions {
  stride?: IntPair;
  padding?: IntPair;
  dilation?: IntPair;
}

/** Options of unfold (im2col), as torch.nn.functional.unfold. */
export interface UnfoldOptions extends Conv2dOptions {
  kernelSize: IntPair;
}

/** Options of fold (col2im), as torch.nn.functional.fold. */
export interface FoldOptions extends UnfoldOptions {
  outputSize: IntPair;
}

/** Resolved window geometry over an H x W input: kernel, stride, padding, dilation and output size. */
export interface WindowGeometry {
  kh: number; kw: number;
  sh: number; sw: number;
  ph: number; pw: number;
  dh: number; dw: number;
  height: number; width: number;
  outH: number; outW: number;
}

/** [h, w] of an IntPair, checking integrality and the lower bound `min`. */
export function toPair(op: string, name: string, v: IntPair, min: number): [number, number] {
  const pair = typeof v === 'number' ? [v, v] : [...v];
  if (pair.length !== 2 || !pair.every((x) => Number.isInteger(x) && x >= min)) {
    throw new TensorError(op, `${name} must be an integer >= ${min} or a pair of them, got ${JSON.stringify(v)}`);
  }
  return pair as [number, number];
}

/** Output length along one dim, PyTorch's formula: floor((in + 2*pad - dil*(k-1) - 1) / stride) + 1. */
export function convOutputSize(input: number, kernel: number, stride = 1, padding = 0, dilation = 1): number {
  return Math.floor((input + 2 * padding - dilation * (kernel - 1) - 1) / stride) + 1;
}

/**
 * Resolves and validates a window over an H x W input. Throws when the dilated kernel is larger than the
 * padded input, or a stride, kernel or dilation is not positive.
 */
export function windowGeometry(
  op: string, height: number, width: number,
  kernelSize: IntPair, stride: IntPair, padding: IntPair, dilation: IntPair,
): WindowGeometry {
  const [kh, kw] = toPair(op, 'kernelSize', kernelSize, 1);
  const [sh, sw] = toPair(op, 'stride', stride, 1);
  const [ph, pw] = toPair(op, 'padding', padding, 0);
  const [dh, dw] = toPair(op, 'dilation', dilation, 1);
  const effH = dh * (kh - 1) + 1;
  const effW = dw * (kw - 1) + 1;
  if (effH > height + 2 * ph || effW > width + 2 * pw) {
    throw new TensorError(op, `kernel ${fmtShape([effH, effW])} (dilated) is larger than the padded input ${fmtShape([height + 2 * ph, width + 2 * pw])} (input ${fmtShape([height, width])}, padding ${fmtShape([ph, pw])})`);
  }
  return {
    kh, kw, sh, sw, ph, pw, dh, dw, height, width,
    outH: convOutputSize(height, kh, sh, ph, dh),
    outW: convOutputSize(width, kw, sw, pw, dw),
  };
}

/** Throws unless `shape` has exactly `ndim` dims (naming what they are). */
export function expectRank(op: string, what: string, shape: readonly number[], ndim: number, layout: string): void {
  if (shape.length !== ndim) {
    throw new TensorError(op, `expected ${what} of ${ndim} dims ${layout}, got ${fmtShape(shape)}`);
  }
}
