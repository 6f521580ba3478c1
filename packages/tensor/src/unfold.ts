// unfold (im2col) and fold (col2im) with the exact semantics of torch.nn.functional.unfold / fold.
import { toPair, windowGeometry, expectRank, type FoldOptions, type UnfoldOptions } from './conv-geometry';
import { TensorError, fmtShape } from './errors';
import { NDArray } from './ndarray';
import { runFold, runUnfold } from './parallel/unfold-chunks';
import { Storage } from './storage';

/**
 * Sliding local blocks of a batched image, as torch.nn.functional.unfold: (N, C, H, W) ->
 * (N, C*kh*kw, L), L = outH*outW, zero padding. Any dtype and any strides.
 */
export function unfold(x: NDArray, options: UnfoldOptions): NDArray {
  expectRank('unfold', 'an input', x.shape, 4, '(N, C, H, W)');
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const g = windowGeometry('unfold', h, w, options.kernelSize, options.stride ?? 1, options.padding ?? 0, options.dilation ?? 1);
  const rows = c * g.kh * g.kw;
  const L = g.outH * g.outW;
  const out = Storage.alloc(x.dtype, n * rows * L);
  const [sN, sC, sH, sW] = x.strides as [number, number, number, number];
  runUnfold(x.data, x.offset, sN, sC, sH, sW, n, c, g, out.data); // im2colImage per image, split on the pool
  return new NDArray(out, [n, rows, L]);
}

/**
 * Sums sliding local blocks back into a batched image, as torch.nn.functional.fold: (N, C*kh*kw, L) ->
 * (N, C, outputSize[0], outputSize[1]). Overlapping windows add up; values landing in the padding are dropped.
 */
export function fold(cols: NDArray, options: FoldOptions): NDArray {
  expectRank('fold', 'an input', cols.shape, 3, '(N, C*kh*kw, L)');
  const [height, width] = toPair('fold', 'outputSize', options.outputSize, 0);
  const g = windowGeometry('fold', height, width, options.kernelSize, options.stride ?? 1, options.padding ?? 0, options.dilation ?? 1);
  const [n, rows, L] = cols.shape as [number, number, number];
  const block = g.kh * g.kw;
  if (rows % block !== 0) {
    throw new TensorError('fold', `dim 1 of input ${fmtShape(cols.shape)} must be divisible by the kernel size product ${block}`);
  }
  if (L !== g.outH * g.outW) {
    throw new TensorError('fold', `input ${fmtShape(cols.shape)} has ${L} blocks but outputSize ${fmtShape([height, width])} with this kernel, stride, padding and dilation gives ${g.outH} x ${g.outW} = ${g.outH * g.outW}`);
  }
  const c = rows / block;
  const out = Storage.alloc(cols.dtype, n * c * height * width);
  const [sN, sR, sL] = cols.strides as [number, number, number];
  runFold(cols.data, cols.offset, sN, sR, sL, n, c, g, out.data); // col2imImageAdd per image, split on the pool
  return new NDArray(out, [n, c, height, width]);
}
