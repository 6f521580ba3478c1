// 2-D pooling with PyTorch's semantics: max with argmax indices (also dilated and in ceil mode), average (also in
// ceil mode and without count_include_pad), adaptive average to 1x1, and the backward of each.
//
// The forward loops are registered kernels ('pool.maxPool2d', 'pool.avgPool2d', 'pool.adaptiveAvgPool2d1'):
// 'js' is the loop here (the oracle), 'simd' the WebAssembly SIMD128 twin in ./simd/pool-simd.ts for float32
// (float64, column strides above 2 and planes over 1 MiB fall back to js). The backwards stay plain js loops:
// maxPool2dBackward is a scatter-add by argmax (SIMD128 has no scatter; one add per output), and the
// overlapping-window adds of avgPool2dBackward would change their float32 accumulation order in vectors.
import { getKernel, registerKernel } from './backend/registry';
import { toPair, windowGeometry, expectRank, type IntPair, type WindowGeometry } from './conv-geometry';
import type { TypedArray } from './dtype';
import { TensorError, fmtShape } from './errors';
import { NDArray } from './ndarray';
import { adaptiveAvgPool2d1Simd, avgPool2dSimd, maxPool2dSimd, poolSimdApplies } from './simd/pool-simd';
import { Storage } from './storage';

/** Options of maxPool2d / avgPool2d: stride defaults to the kernel size, padding to 0 (as PyTorch). */
export interface Pool2dOptions {
  kernelSize: IntPair;
  stride?: IntPair;
  padding?: IntPair;
}

/**
 * Options of avgPool2d: Pool2dOptions plus ceilMode (default false) and countIncludePad (default true), as torch's.
 * With countIncludePad false the divisor counts only the taps inside the input.
 */
export interface AvgPool2dOptions extends Pool2dOptions {
  ceilMode?: boolean;
  countIncludePad?: boolean;
}

/** Options of maxPool2d: Pool2dOptions plus dilation (default 1) and ceilMode (default false), as torch. */
export interface MaxPool2dOptions extends Pool2dOptions {
  dilation?: IntPair;
  ceilMode?: boolean;
}

/** Result of maxPool2d: the maxima and, per output, the flat index h*W + w of the maximum in its input plane. */
export interface MaxPoolResult {
  values: NDArray;
  indices: NDArray;
}

/** Resolves a pooling window over a 4-D input; PyTorch requires padding <= kernel / 2. */
function poolGeometry(op: string, shape: readonly number[], options: Pool2dOptions, dilation: IntPair = 1, ceilMode = false): WindowGeometry {
  expectRank(op, 'an input', shape, 4, '(N, C, H, W)');
  const kernel = toPair(op, 'kernelSize', options.kernelSize, 1);
  const g = windowGeometry(op, shape[2]!, shape[3]!, kernel, options.stride ?? kernel, options.padding ?? 0, dilation);
  if (2 * g.ph > g.kh || 2 * g.pw > g.kw) {
    throw new TensorError(op, `padding ${fmtShape([g.ph, g.pw])} must be at most half of the kernel size ${fmtShape([g.kh, g.kw])}`);
  }
  if (ceilMode) {
    g.outH = ceilOutputSize(g.height, g.kh, g.sh, g.ph, g.dh);
    g.outW = ceilOutputSize(g.width, g.kw, g.sw, g.pw, g.dw);
  }
  return g;
}

/**
 * PyTorch's pooling output size with ceil_mode: ceil((in + 2p - d(k-1) - 1) / s) + 1, less one when the last
 * window would start in the right padding (pooling_output_shape).
 */
function ceilOutputSize(input: number, kernel: number, stride: number, pad: number, dilation: number): number {
  let out = Math.floor((input + 2 * pad - dilation * (kernel - 1) - 1 + stride - 1) / stride) + 1;
  if ((out - 1) * stride >= input + pad) out--;
  return out;
}

/** Throws unless gradOut is (N, C, outH, outW) for this pooling geometry. */
function checkPoolGrad(op: string, gradOut: NDArray, inputShape: readonly number[], g: WindowGeometry): void {
  const want = [inputShape[0]!, inputShape[1]!, g.outH, g.outW];
  if (gradOut.ndim !== 4 || gradOut.shape.some((d, i) => d !== want[i])) {
    throw new TensorError(op, `gradOut must have shape ${fmtShape(want)}, got ${fmtShape(gradOut.shape)}`);
  }
}

/**
 * The clipped input range [start, end) of each output position's window along one axis (padding taps dropped);
 * with a dilation d the taps are start, start + d, ... below end (start is the first in-bounds tap).
 */
function windowRanges(outSize: number, stride: number, pad: number, kernel: number, inSize: number, dilation = 1): { start: Int32Array; end: Int32Array } {
  const start = new Int32Array(outSize);
  const end = new Int32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    const first = o * stride - pad;
    start[o] = first < 0 ? first + Math.ceil(-first / dilation) * dilation : first;
    end[o] = Math.min(first + (kernel - 1) * dilation + 1, inSize);
  }
  return { start, end };
}

/**
 * The per-axis divisor factor of avgPool2d's windows, as torch's avg_pool2d: with countIncludePad the window
 * clipped to the padded input (end at most in + pad), without it the window clipped to the input itself.
 */
function windowCounts(outSize: number, stride: number, pad: number, kernel: number, inSize: number, countIncludePad: boolean): Float64Array {
  const counts = new Float64Array(outSize);
  for (let o = 0; o < outSize; o++) {
    const first = o * stride - pad;
    const end = Math.min(first + kernel, inSize + pad);
    counts[o] = countIncludePad ? end - first : Math.min(end, inSize) - Math.max(first, 0);
  }
  return counts;
}

/**
 * The input planes of a pooling kernel: element (b, ch, h, w) of the (n, c, height, width) input is
 * x[xOff + b*sN + ch*sC + h*sH + w*sW]; outputs are contiguous (n, c, outH, outW).
 */
export interface PoolPlanes {
  x: TypedArray;
  xOff: number;
  sN: number; sC: number; sH: number; sW: number;
  n: number; c: number; height: number; width: number;
}

function planesOf(x: NDArray): PoolPlanes {
  const [n, c, height, width] = x.shape as [number, number, number, number];
  const [sN, sC, sH, sW] = x.strides as [number, number, number, number];
  return { x: x.data, xOff: x.offset, sN, sC, sH, sW, n, c, height, width };
}

/** Kernel 'pool.maxPool2d': values (x's dtype) and int32 argmax indices of every window. */
export type MaxPool2dKernel = (x: PoolPlanes, g: WindowGeometry, values: TypedArray, indices: Int32Array) => void;
/** Kernel 'pool.avgPool2d': the window means (count_include_pad, not in ceil mode). */
export type AvgPool2dKernel = (x: PoolPlanes, g: WindowGeometry, out: TypedArray) => void;
/** Kernel 'pool.adaptiveAvgPool2d1': the mean of each plane. */
export type AdaptiveAvgPool2d1Kernel = (x: PoolPlanes, out: TypedArray) => void;

/** The js max pooling loop (the oracle of the simd one; also the only one for dilation > 1). */
export const maxPool2dJs: MaxPool2dKernel = (x, g, vd, id) => {
  const { n, c, height, width, sN, sC, sH, sW } = x;
  const { kh, kw, sh, sw, ph, pw, dh, dw, outH, outW } = g;
  const rows = windowRanges(outH, sh, ph, kh, height, dh);
  const cols = windowRanges(outW, sw, pw, kw, width, dw);
  const xd = x.x;
  let o = 0;
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const plane = x.xOff + b * sN + ch * sC;
      for (let oh = 0; oh < outH; oh++) {
        const h0 = rows.start[oh]!;
        const h1 = rows.end[oh]!;
        for (let ow = 0; ow < outW; ow++) {
          const w0 = cols.start[ow]!;
          const w1 = cols.end[ow]!;
          let best = -Infinity;
          let arg = h0 * width + w0;
          for (let h = h0; h < h1; h += dh) {
            const row = plane + h * sH;
            for (let w = w0; w < w1; w += dw) {
              const v = xd[row + w * sW]!;
              if (v > best || v !== v) {
                best = v;
                arg = h * width + w;
              }
            }
          }
          vd[o] = best;
          id[o] = arg;
          o++;
        }
      }
    }
  }
};

/** The js average pooling loop (the oracle of the simd one): float64 window sums divided by kh*kw (count_include_pad). */
export const avgPool2dJs: AvgPool2dKernel = (x, g, yd) => avgPool2dWindows(x, g, yd, true);

/**
 * Average pooling over every window (also in ceil mode): float64 window sums divided by the window's count,
 * padding taps counted or not as countIncludePad (torch's avg_pool2d divide_factor).
 */
function avgPool2dWindows(x: PoolPlanes, g: WindowGeometry, yd: TypedArray, countIncludePad: boolean): void {
  const { n, c, height, width, sN, sC, sH, sW } = x;
  const { kh, kw, sh, sw, ph, pw, outH, outW } = g;
  const rows = windowRanges(outH, sh, ph, kh, height);
  const cols = windowRanges(outW, sw, pw, kw, width);
  const rowCounts = windowCounts(outH, sh, ph, kh, height, countIncludePad);
  const colCounts = windowCounts(outW, sw, pw, kw, width, countIncludePad);
  const xd = x.x;
  let o = 0;
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const plane = x.xOff + b * sN + ch * sC;
      for (let oh = 0; oh < outH; oh++) {
        const h0 = rows.start[oh]!;
        const h1 = rows.end[oh]!;
        for (let ow = 0; ow < outW; ow++) {
          const w0 = cols.start[ow]!;
          const w1 = cols.end[ow]!;
          let sum = 0;
          for (let h = h0; h < h1; h++) {
            const row = plane + h * sH;
            for (let w = w0; w < w1; w++) sum += xd[row + w * sW]!;
          }
          yd[o++] = sum / (rowCounts[oh]! * colCounts[ow]!);
        }
      }
    }
  }
}

/** The js adaptive 1x1 loop (the oracle of the simd one): each plane summed serially in float64. */
export const adaptiveAvgPool2d1Js: AdaptiveAvgPool2d1Kernel = (x, yd) => {
  const { n, c, height, width, sN, sC, sH, sW } = x;
  const xd = x.x;
  const area = height * width;
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const plane = x.xOff + b * sN + ch * sC;
      let sum = 0;
      for (let h = 0; h < height; h++) {
        const row = plane + h * sH;
        for (let w = 0; w < width; w++) sum += xd[row + w * sW]!;
      }
      yd[b * c + ch] = sum / area;
    }
  }
};

registerKernel<MaxPool2dKernel>('pool.maxPool2d', 'js', maxPool2dJs);
registerKernel<MaxPool2dKernel>('pool.maxPool2d', 'simd', (x, g, vd, id) => {
  if (vd instanceof Float32Array && poolSimdApplies(x, g)) maxPool2dSimd(x, g, vd, id);
  else maxPool2dJs(x, g, vd, id);
});
registerKernel<AvgPool2dKernel>('pool.avgPool2d', 'js', avgPool2dJs);
registerKernel<AvgPool2dKernel>('pool.avgPool2d', 'simd', (x, g, yd) => {
  if (yd instanceof Float32Array && poolSimdApplies(x, g)) avgPool2dSimd(x, g, yd);
  else avgPool2dJs(x, g, yd);
});
registerKernel<AdaptiveAvgPool2d1Kernel>('pool.adaptiveAvgPool2d1', 'js', adaptiveAvgPool2d1Js);
registerKernel<AdaptiveAvgPool2d1Kernel>('pool.adaptiveAvgPool2d1', 'simd', (x, yd) => {
  if (yd instanceof Float32Array && poolSimdApplies(x, null)) adaptiveAvgPool2d1Simd(x, yd);
  else adaptiveAvgPool2d1Js(x, yd);
});

/**
 * Max pooling as torch.nn.functional.max_pool2d(return_indices=True): the padding acts as -infinity, the
 * first maximum in row-major window order wins, and a NaN is taken as the maximum (PyTorch's `val > max || isnan(val)`).
 * `dilation` and `ceilMode` as torch's (a ceil-mode window may run past the right padding; its taps there are dropped).
 */
export function maxPool2d(x: NDArray, options: MaxPool2dOptions): MaxPoolResult {
  x.assertFloat('maxPool2d');
  const ceilMode = options.ceilMode ?? false;
  if (typeof ceilMode !== 'boolean') throw new TensorError('maxPool2d', `ceilMode must be a boolean, got ${JSON.stringify(ceilMode)}`);
  const g = poolGeometry('maxPool2d', x.shape, options, options.dilation ?? 1, ceilMode);
  const [n, c] = x.shape as [number, number];
  const { outH, outW } = g;
  const values = Storage.alloc(x.dtype, n * c * outH * outW);
  const indices = Storage.alloc('int32', n * c * outH * outW);
  // the simd kernel knows neither dilation nor ceil-mode windows: those run the js loop
  const plain = g.dh === 1 && g.dw === 1 && !ceilMode;
  const kernel = plain ? getKernel<MaxPool2dKernel>('pool.maxPool2d') : maxPool2dJs;
  kernel(planesOf(x), g, values.data, indices.data as Int32Array);
  return { values: new NDArray(values, [n, c, outH, outW]), indices: new NDArray(indices, [n, c, outH, outW]) };
}

/** Gradient of maxPool2d: each gradOut value is added at its argmax in the input plane (inputShape N, C, H, W). */
export function maxPool2dBackward(gradOut: NDArray, indices: NDArray, inputShape: readonly number[]): NDArray {
  gradOut.assertFloat('maxPool2dBackward');
  expectRank('maxPool2dBackward', 'an input shape', inputShape, 4, '(N, C, H, W)');
  if (indices.dtype !== 'int32' || gradOut.ndim !== 4 || indices.ndim !== 4 || gradOut.shape.some((d, i) => d !== indices.shape[i])
    || gradOut.shape[0] !== inputShape[0] || gradOut.shape[1] !== inputShape[1]) {
    throw new TensorError('maxPool2dBackward', `gradOut ${fmtShape(gradOut.shape)} and int32 indices ${indices.dtype} ${fmtShape(indices.shape)} must share one (N, C, outH, outW) shape matching input ${fmtShape(inputShape)}`);
  }
  const [n, c, height, width] = inputShape as [number, number, number, number];
  const planeOut = gradOut.shape[2]! * gradOut.shape[3]!;
  const planeIn = height * width;
  const out = Storage.alloc(gradOut.dtype, n * c * planeIn);
  const gx = out.data;
  const gy = gradOut.contiguous();
  const ix = indices.contiguous();
  const gd = gy.data;
  const idd = ix.data;
  for (let p = 0; p < n * c; p++) {
    const base = p * planeIn;
    for (let k = p * planeOut, end = k + planeOut; k < end; k++) {
      const at = idd[k]!;
      if (at < 0 || at >= planeIn) throw new TensorError('maxPool2dBackward', `index ${at} is outside the ${height} x ${width} input plane`);
      gx[base + at] = gx[base + at]! + gd[k]!;
    }
  }
  return new NDArray(out, [n, c, height, width]);
}

/**
 * The backward of window averages: gradOut's value at output (i, j) of each of `planes` planes, divided by
 * divisor(i, j), is added to every input position of rows [rows.start[i], rows.end[i]) x cols [...).
 */
export function spreadOverWindows(
  gradOut: NDArray, planes: number, height: number, width: number,
  rows: { start: Int32Array; end: Int32Array }, cols: { start: Int32Array; end: Int32Array }, divisor: (i: number, j: number) => number,
): Storage {
  const out = Storage.alloc(gradOut.dtype, planes * height * width);
  const gx = out.data;
  const gy = gradOut.contiguous().data;
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const plane = p * height * width;
    for (let i = 0; i < rows.start.length; i++) {
      const h0 = rows.start[i]!;
      const h1 = rows.end[i]!;
      for (let j = 0; j < cols.start.length; j++) {
        const w0 = cols.start[j]!;
        const w1 = cols.end[j]!;
        const v = gy[o++]! / divisor(i, j);
        for (let h = h0; h < h1; h++) {
          const row = plane + h * width;
          for (let w = w0; w < w1; w++) gx[row + w] = gx[row + w]! + v;
        }
      }
    }
  }
  return out;
}

/** Resolves avgPool2d's two modes, refusing non-booleans by name. */
function avgModes(op: string, options: AvgPool2dOptions): { ceilMode: boolean; countIncludePad: boolean } {
  const ceilMode = options.ceilMode ?? false;
  const countIncludePad = options.countIncludePad ?? true;
  if (typeof ceilMode !== 'boolean') throw new TensorError(op, `ceilMode must be a boolean, got ${JSON.stringify(ceilMode)}`);
  if (typeof countIncludePad !== 'boolean') throw new TensorError(op, `countIncludePad must be a boolean, got ${JSON.stringify(countIncludePad)}`);
  return { ceilMode, countIncludePad };
}

/**
 * Average pooling as torch.nn.functional.avg_pool2d: each window's sum divided by kh*kw (countIncludePad, the
 * default) or by its taps inside the input (countIncludePad false). In ceilMode a last, partial window is kept
 * when it starts inside the input or left padding; with countIncludePad its divisor counts the padding but not
 * what runs past it.
 */
export function avgPool2d(x: NDArray, options: AvgPool2dOptions): NDArray {
  x.assertFloat('avgPool2d');
  const { ceilMode, countIncludePad } = avgModes('avgPool2d', options);
  const g = poolGeometry('avgPool2d', x.shape, options, 1, ceilMode);
  const [n, c] = x.shape as [number, number];
  const out = Storage.alloc(x.dtype, n * c * g.outH * g.outW);
  // the registered kernels (js and simd) divide by kh*kw; ceil-mode windows and other divisors run the js loop
  if (!ceilMode && countIncludePad) getKernel<AvgPool2dKernel>('pool.avgPool2d')(planesOf(x), g, out.data);
  else avgPool2dWindows(planesOf(x), g, out.data, countIncludePad);
  return new NDArray(out, [n, c, g.outH, g.outW]);
}

/** Gradient of avgPool2d: each gradOut value, divided by its window's count, is added to every in-bounds tap of its window. */
export function avgPool2dBackward(gradOut: NDArray, inputShape: readonly number[], options: AvgPool2dOptions): NDArray {
  gradOut.assertFloat('avgPool2dBackward');
  const { ceilMode, countIncludePad } = avgModes('avgPool2dBackward', options);
  const g = poolGeometry('avgPool2dBackward', inputShape, options, 1, ceilMode);
  checkPoolGrad('avgPool2dBackward', gradOut, inputShape, g);
  const [n, c, height, width] = inputShape as [number, number, number, number];
  const { kh, kw, sh, sw, ph, pw, outH, outW } = g;
  const rows = windowRanges(outH, sh, ph, kh, height);
  const cols = windowRanges(outW, sw, pw, kw, width);
  const rowCounts = windowCounts(outH, sh, ph, kh, height, countIncludePad);
  const colCounts = windowCounts(outW, sw, pw, kw, width, countIncludePad);
  const out = spreadOverWindows(gradOut, n * c, height, width, rows, cols, (oh, ow) => rowCounts[oh]! * colCounts[ow]!);
  return new NDArray(out, [n, c, height, width]);
}

/** torch.nn.functional.adaptive_avg_pool2d(x, 1): the mean of each (H, W) plane, (N, C, H, W) -> (N, C, 1, 1). */
export function adaptiveAvgPool2d1(x: NDArray): NDArray {
  x.assertFloat('adaptiveAvgPool2d1');
  expectRank('adaptiveAvgPool2d1', 'an input', x.shape, 4, '(N, C, H, W)');
  const [n, c] = x.shape as [number, number];
  const out = Storage.alloc(x.dtype, n * c);
  getKernel<AdaptiveAvgPool2d1Kernel>('pool.adaptiveAvgPool2d1')(planesOf(x), out.data);
  return new NDArray(out, [n, c, 1, 1]);
}

/** Gradient of adaptiveAvgPool2d1: gradOut (N, C, 1, 1) spread evenly, / (H*W), over each plane of inputShape. */
export function adaptiveAvgPool2d1Backward(gradOut: NDArray, inputShape: readonly number[]): NDArray {
  gradOut.assertFloat('adaptiveAvgPool2d1Backward');
  expectRank('adaptiveAvgPool2d1Backward', 'an input shape', inputShape, 4, '(N, C, H, W)');
  const [n, c, height, width] = inputShape as [number, number, number, number];
  if (gradOut.ndim !== 4 || gradOut.shape[0] !== n || gradOut.shape[1] !== c || gradOut.shape[2] !== 1 || gradOut.shape[3] !== 1) {
    throw new TensorError('adaptiveAvgPool2d1Backward', `gradOut must have shape ${fmtShape([n, c, 1, 1])}, got ${fmtShape(gradOut.shape)}`);
  }
  const plane = height * width;
  const out = Storage.alloc(gradOut.dtype, n * c * plane);
  const gd = gradOut.data;
  const [gN, gC] = gradOut.strides as [number, number];
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const p = b * c + ch;
      out.data.fill(gd[gradOut.offset + b * gN + ch * gC]! / plane, p * plane, (p + 1) * plane);
    }
  }
  return new NDArray(out, [n, c, height, width]);
}
