// Adaptive 2-D pooling of any output size, as torch's adaptive_avg_pool2d / adaptive_max_pool2d: output cell i of
// an axis of length L pooled to n covers input [floor(i*L/n), ceil((i+1)*L/n)). Plain js loops (the 1x1 average
// has its own registered kernel in ./pool.ts).
import { expectRank } from './conv-geometry';
import { TensorError, fmtShape } from './errors';
import { NDArray } from './ndarray';
import { Storage } from './storage';
import { spreadOverWindows, type MaxPoolResult } from './pool';

/** The window [start, end) of every output cell along one axis: torch's start_index / end_index. */
function adaptiveRanges(outSize: number, inSize: number): { start: Int32Array; end: Int32Array } {
  const start = new Int32Array(outSize);
  const end = new Int32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    start[o] = Math.floor((o * inSize) / outSize);
    end[o] = Math.ceil(((o + 1) * inSize) / outSize);
  }
  return { start, end };
}

/** Checks a (N, C, H, W) input and a positive [outH, outW]; returns the sizes. */
function adaptiveSizes(op: string, shape: readonly number[], outputSize: readonly [number, number]): [number, number, number, number, number, number] {
  expectRank(op, 'an input', shape, 4, '(N, C, H, W)');
  const [n, c, h, w] = shape as [number, number, number, number];
  const [oh, ow] = outputSize;
  if (!(Number.isInteger(oh) && oh >= 1 && Number.isInteger(ow) && ow >= 1)) {
    throw new TensorError(op, `outputSize must be two integers >= 1, got ${JSON.stringify(outputSize)}`);
  }
  if (h < 1 || w < 1) throw new TensorError(op, `input ${fmtShape(shape)} has an empty plane`);
  return [n, c, h, w, oh, ow];
}

/** One output cell's window: rows [r0, r1) and columns [q0, q1) of the input plane starting at offset `plane`. */
type CellVisitor = (o: number, plane: number, r0: number, r1: number, q0: number, q1: number) => void;

/** Visits every output cell of an adaptive pooling of x in row-major (N, C, outH, outW) order; returns the output shape. */
function forEachCell(op: string, x: NDArray, outputSize: readonly [number, number], visit: CellVisitor): [number, number, number, number] {
  const [n, c, h, w, oh, ow] = adaptiveSizes(op, x.shape, outputSize);
  const rows = adaptiveRanges(oh, h);
  const cols = adaptiveRanges(ow, w);
  const [sN, sC] = x.strides as [number, number];
  let o = 0;
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const plane = x.offset + b * sN + ch * sC;
      for (let i = 0; i < oh; i++) {
        for (let j = 0; j < ow; j++) visit(o++, plane, rows.start[i]!, rows.end[i]!, cols.start[j]!, cols.end[j]!);
      }
    }
  }
  return [n, c, oh, ow];
}

/** torch.nn.functional.adaptive_avg_pool2d(x, [outH, outW]): the mean of each adaptive window (float64 sums). */
export function adaptiveAvgPool2d(x: NDArray, outputSize: readonly [number, number]): NDArray {
  x.assertFloat('adaptiveAvgPool2d');
  const [n, c, , , oh, ow] = adaptiveSizes('adaptiveAvgPool2d', x.shape, outputSize);
  const [, , sH, sW] = x.strides as [number, number, number, number];
  const xd = x.data;
  const out = Storage.alloc(x.dtype, n * c * oh * ow);
  const yd = out.data;
  const shape = forEachCell('adaptiveAvgPool2d', x, outputSize, (o, plane, r0, r1, q0, q1) => {
    let sum = 0;
    for (let r = r0; r < r1; r++) {
      for (let q = q0; q < q1; q++) sum += xd[plane + r * sH + q * sW]!;
    }
    yd[o] = sum / ((r1 - r0) * (q1 - q0));
  });
  return new NDArray(out, shape);
}

/** Gradient of adaptiveAvgPool2d: each gradOut value divided by its window's size, added over the window. */
export function adaptiveAvgPool2dBackward(gradOut: NDArray, inputShape: readonly number[]): NDArray {
  gradOut.assertFloat('adaptiveAvgPool2dBackward');
  if (gradOut.ndim !== 4) throw new TensorError('adaptiveAvgPool2dBackward', `gradOut must be (N, C, outH, outW), got ${fmtShape(gradOut.shape)}`);
  const [n, c, h, w, oh, ow] = adaptiveSizes('adaptiveAvgPool2dBackward', inputShape, [gradOut.shape[2]!, gradOut.shape[3]!]);
  if (gradOut.shape[0] !== n || gradOut.shape[1] !== c) {
    throw new TensorError('adaptiveAvgPool2dBackward', `gradOut ${fmtShape(gradOut.shape)} does not match input ${fmtShape(inputShape)}`);
  }
  const rows = adaptiveRanges(oh, h);
  const cols = adaptiveRanges(ow, w);
  const out = spreadOverWindows(gradOut, n * c, h, w, rows, cols, (i, j) => (rows.end[i]! - rows.start[i]!) * (cols.end[j]! - cols.start[j]!));
  return new NDArray(out, [n, c, h, w]);
}

/**
 * torch.nn.functional.adaptive_max_pool2d(x, [outH, outW], return_indices=True): the maximum of each adaptive
 * window and its flat in-plane index h*W + w (the first maximum wins; a NaN is taken as the maximum, as torch).
 * Its gradient is maxPool2dBackward with these indices.
 */
export function adaptiveMaxPool2d(x: NDArray, outputSize: readonly [number, number]): MaxPoolResult {
  x.assertFloat('adaptiveMaxPool2d');
  const [n, c, , width, oh, ow] = adaptiveSizes('adaptiveMaxPool2d', x.shape, outputSize);
  const [, , sH, sW] = x.strides as [number, number, number, number];
  const xd = x.data;
  const size = n * c * oh * ow;
  const values = Storage.alloc(x.dtype, size);
  const indices = Storage.alloc('int32', size);
  const vd = values.data;
  const id = indices.data;
  const shape = forEachCell('adaptiveMaxPool2d', x, outputSize, (o, plane, r0, r1, q0, q1) => {
    let best = -Infinity;
    let arg = r0 * width + q0;
    for (let r = r0; r < r1; r++) {
      for (let q = q0; q < q1; q++) {
        const v = xd[plane + r * sH + q * sW]!;
        if (v > best || v !== v) {
          best = v;
          arg = r * width + q;
        }
      }
    }
    vd[o] = best;
    id[o] = arg;
  });
  return { values: new NDArray(values, shape), indices: new NDArray(indices, shape) };
}
