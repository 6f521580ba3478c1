// 2-D convolution (cross-correlation, as torch.nn.functional.conv2d) and its two gradients, via im2col + GEMM.
import { windowGeometry, expectRank, type Conv2dOptions, type WindowGeometry } from './conv-geometry';
import type { DType } from './dtype';
import { TensorError, fmtShape } from './errors';
import { gemmStrided, type FloatArray } from './gemm-kernel';
import { col2imImageAdd, im2colImage } from './im2col';
import { NDArray } from './ndarray';
import { getKernel, registerKernel } from './backend/registry';
import { conv2dForwardSimd, conv2dInputGradSimd, conv2dWeightGradSimd } from './simd/conv2d-simd';
import { allocate, Storage } from './storage';

function geometryOf(op: string, inputShape: readonly number[], weightShape: readonly number[], options: Conv2dOptions): WindowGeometry {
  expectRank(op, 'an input', inputShape, 4, '(N, C, H, W)');
  expectRank(op, 'a weight', weightShape, 4, '(Cout, Cin, kh, kw)');
  if (inputShape[1] !== weightShape[1]) {
    throw new TensorError(op, `input ${fmtShape(inputShape)} has ${inputShape[1]} channels but weight ${fmtShape(weightShape)} expects ${weightShape[1]}`);
  }
  return windowGeometry(op, inputShape[2]!, inputShape[3]!, [weightShape[2]!, weightShape[3]!], options.stride ?? 1, options.padding ?? 0, options.dilation ?? 1);
}

function checkDtypes(op: string, a: NDArray, b: NDArray): DType {
  a.assertFloat(op);
  b.assertFloat(op);
  if (a.dtype !== b.dtype) throw new TensorError(op, `dtypes must match, got ${a.dtype} and ${b.dtype}`);
  return a.dtype;
}

/** A 1x1 window with stride 1 and no padding: the im2col matrix of an image is the image itself. */
function isPointwise(g: WindowGeometry): boolean {
  return g.kh === 1 && g.kw === 1 && g.sh === 1 && g.sw === 1 && g.ph === 0 && g.pw === 0;
}

/** Row and column strides of x[b] seen as a (C, H*W) matrix, or null when H and W do not merge. */
function imageAsMatrix(x: NDArray): [number, number] | null {
  const [, , h, w] = x.shape as [number, number, number, number];
  const [, sC, sH, sW] = x.strides as [number, number, number, number];
  if (h > 1 && w > 1 && sH !== w * sW) return null;
  return [sC, w > 1 ? sW : sH];
}

/** A view of gradOut whose (outH, outW) dims merge into one, cloning only when they cannot. */
function mergedGrad(gradOut: NDArray): MergedGrad {
  const m = imageAsMatrix(gradOut);
  if (m !== null) return { grad: gradOut, rs: m[0], cs: m[1] };
  const grad = gradOut.clone();
  const [rs, cs] = imageAsMatrix(grad)!;
  return { grad, rs, cs };
}

/** The weight as a contiguous (Cout, Cin*kh*kw) buffer: itself when already contiguous. */
function weightMatrix(weight: NDArray): NDArray {
  return weight.isContiguous ? weight : weight.clone();
}

/** The sizes of one conv2d call. */
interface ConvSizes {
  n: number;
  cin: number;
  cout: number;
  g: WindowGeometry;
}

/** y (contiguous (N, Cout, outH, outW), holding the bias when `accumulate`) (+)= conv2d(x, w) for a contiguous w. */
type Conv2dForwardKernel = (x: NDArray, w: NDArray, y: FloatArray, accumulate: boolean, s: ConvSizes) => void;

/** The js forward: per image Y = W * im2col(x) with the js GEMM (a 1x1 stride-1 window reads x directly). */
const conv2dForwardJs: Conv2dForwardKernel = (x, w, y, accumulate, { n, cin, cout, g }) => {
  const depth = cin * g.kh * g.kw;
  const L = g.outH * g.outW;
  const beta = accumulate ? 1 : 0;
  const wd = w.data as FloatArray;
  const direct = isPointwise(g) ? imageAsMatrix(x) : null;
  const cols = direct === null ? (allocate(x.dtype, depth * L) as FloatArray) : null;
  for (let b = 0; b < n; b++) {
    const yOff = b * cout * L;
    if (cols === null) {
      const [rs, cs] = direct!;
      gemmStrided(cout, L, depth, 1, wd, w.offset, depth, 1, x.data as FloatArray, x.offset + b * x.strides[0]!, rs, cs, beta, y, yOff, L);
    } else {
      im2colImage(x.data, x.offset + b * x.strides[0]!, x.strides[1]!, x.strides[2]!, x.strides[3]!, cin, g, cols, 0);
      gemmStrided(cout, L, depth, 1, wd, w.offset, depth, 1, cols, 0, L, 1, beta, y, yOff, L);
    }
  }
};

/** The simd forward for float32 (an implicit GEMM, simd/conv2d-simd.ts); float64 stays on js. */
const conv2dForwardSimdOrJs: Conv2dForwardKernel = (x, w, y, accumulate, s) => {
  if (!(x.data instanceof Float32Array) || !(y instanceof Float32Array)) return conv2dForwardJs(x, w, y, accumulate, s);
  const [sN, sC, sH, sW] = x.strides as [number, number, number, number];
  conv2dForwardSimd(s, x.data, x.offset, sN, sC, sH, sW, w.data as Float32Array, w.offset, y, accumulate);
};

registerKernel('conv2d.forward', 'js', conv2dForwardJs);
registerKernel('conv2d.forward', 'simd', conv2dForwardSimdOrJs);

/**
 * y = conv2d(x, weight) + bias as torch.nn.functional.conv2d (groups = 1): x (N, Cin, H, W), weight
 * (Cout, Cin, kh, kw), bias (Cout) or null -> (N, Cout, outH, outW). Per image: Y = W * im2col(x).
 */
export function conv2d(x: NDArray, weight: NDArray, bias: NDArray | null, options: Conv2dOptions = {}): NDArray {
  const dtype = checkDtypes('conv2d', x, weight);
  const g = geometryOf('conv2d', x.shape, weight.shape, options);
  const [n, cin] = x.shape as [number, number];
  const cout = weight.shape[0]!;
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== cout || bias.dtype !== dtype)) {
    throw new TensorError('conv2d', `bias must be ${dtype} [${cout}], got ${bias.dtype} ${fmtShape(bias.shape)}`);
  }
  const L = g.outH * g.outW;
  const out = Storage.alloc(dtype, n * cout * L);
  const y = out.data as FloatArray;
  if (bias !== null) {
    for (let b = 0; b < n; b++)
      for (let o = 0; o < cout; o++) y.fill(bias.data[bias.offset + o * bias.strides[0]!]!, (b * cout + o) * L, (b * cout + o + 1) * L);
  }
  getKernel<Conv2dForwardKernel>('conv2d.forward')(x, weightMatrix(weight), y, bias !== null, { n, cin, cout, g });
  return new NDArray(out, [n, cout, g.outH, g.outW]);
}

/** Throws unless gradOut has the shape conv2d produces for this input and weight. */
function checkGradShape(op: string, gradOut: NDArray, n: number, cout: number, g: WindowGeometry): void {
  const want = [n, cout, g.outH, g.outW];
  if (gradOut.ndim !== 4 || gradOut.shape.some((d, i) => d !== want[i])) {
    throw new TensorError(op, `gradOut must have shape ${fmtShape(want)}, got ${fmtShape(gradOut.shape)}`);
  }
}

/**
 * Gradient of conv2d w.r.t. its input: dx = col2im(W^T * dy) per image, (N, Cin, H, W) = inputShape.
 * Overlapping windows sum; taps in the padding are dropped.
 */
export function conv2dBackwardInput(gradOut: NDArray, weight: NDArray, inputShape: readonly number[], options: Conv2dOptions = {}): NDArray {
  const dtype = checkDtypes('conv2dBackwardInput', gradOut, weight);
  const g = geometryOf('conv2dBackwardInput', inputShape, weight.shape, options);
  const [n, cin, h, wd] = inputShape as [number, number, number, number];
  const cout = weight.shape[0]!;
  checkGradShape('conv2dBackwardInput', gradOut, n, cout, g);
  const out = Storage.alloc(dtype, n * cin * h * wd);
  getKernel<Conv2dInputGradKernel>('conv2d.backwardInput')(mergedGrad(gradOut), weightMatrix(weight), out.data as FloatArray, { n, cin, cout, g });
  return new NDArray(out, [n, cin, h, wd]);
}

/**
 * Gradient of conv2d w.r.t. its weight: dW = sum over images of dy * im2col(x)^T, shape weightShape
 * (Cout, Cin, kh, kw).
 */
export function conv2dBackwardWeight(gradOut: NDArray, x: NDArray, weightShape: readonly number[], options: Conv2dOptions = {}): NDArray {
  const dtype = checkDtypes('conv2dBackwardWeight', gradOut, x);
  const g = geometryOf('conv2dBackwardWeight', x.shape, weightShape, options);
  const [n, cin] = x.shape as [number, number];
  const cout = weightShape[0]!;
  checkGradShape('conv2dBackwardWeight', gradOut, n, cout, g);
  const out = Storage.alloc(dtype, cout * cin * g.kh * g.kw);
  getKernel<Conv2dWeightGradKernel>('conv2d.backwardWeight')(mergedGrad(gradOut), x, out.data as FloatArray, { n, cin, cout, g });
  return new NDArray(out, [cout, cin, g.kh, g.kw]);
}

/** gradOut with its (outH, outW) dims merged: the view, and its channel (rs) and position (cs) strides. */
interface MergedGrad {
  grad: NDArray;
  rs: number;
  cs: number;
}

/** dx (contiguous (N, Cin, H, W), zero-filled) = conv2d's input gradient for a contiguous w. */
type Conv2dInputGradKernel = (gy: MergedGrad, w: NDArray, dx: FloatArray, s: ConvSizes) => void;

/** The js input gradient: per image dx = col2im(W^T * dy) with the js GEMM. */
const conv2dInputGradJs: Conv2dInputGradKernel = ({ grad, rs, cs }, w, dx, { n, cin, cout, g }) => {
  const depth = cin * g.kh * g.kw;
  const L = g.outH * g.outW;
  const image = cin * g.height * g.width;
  const wdata = w.data as FloatArray;
  const gd = grad.data as FloatArray;
  const cols = isPointwise(g) ? null : (allocate(grad.dtype, depth * L) as FloatArray);
  for (let b = 0; b < n; b++) {
    const gOff = grad.offset + b * grad.strides[0]!;
    // W^T is the (depth, Cout) matrix with strides (1, depth) over the contiguous weight
    if (cols === null) {
      gemmStrided(depth, L, cout, 1, wdata, w.offset, 1, depth, gd, gOff, rs, cs, 0, dx, b * image, L);
    } else {
      gemmStrided(depth, L, cout, 1, wdata, w.offset, 1, depth, gd, gOff, rs, cs, 0, cols, 0, L);
      col2imImageAdd(cols, 0, L, 1, cin, g, dx, b * image);
    }
  }
};

/** The simd input gradient for float32 (simd/conv2d-simd.ts); float64 stays on js. */
const conv2dInputGradSimdOrJs: Conv2dInputGradKernel = (gy, w, dx, s) => {
  if (!(gy.grad.data instanceof Float32Array) || !(dx instanceof Float32Array)) return conv2dInputGradJs(gy, w, dx, s);
  conv2dInputGradSimd(s, gy.grad.data, gy.grad.offset, gy.grad.strides[0]!, gy.rs, gy.cs, w.data as Float32Array, w.offset, dx);
};

registerKernel('conv2d.backwardInput', 'js', conv2dInputGradJs);
registerKernel('conv2d.backwardInput', 'simd', conv2dInputGradSimdOrJs);

/** dw (contiguous (Cout, Cin*kh*kw), zero-filled) = conv2d's weight gradient. */
type Conv2dWeightGradKernel = (gy: MergedGrad, x: NDArray, dw: FloatArray, s: ConvSizes) => void;

/** The js weight gradient: dW = sum over images of dy * im2col(x)^T with the js GEMM, image by image. */
const conv2dWeightGradJs: Conv2dWeightGradKernel = ({ grad, rs, cs }, x, dw, { n, cin, cout, g }) => {
  const depth = cin * g.kh * g.kw;
  const L = g.outH * g.outW;
  const gd = grad.data as FloatArray;
  const direct = isPointwise(g) ? imageAsMatrix(x) : null;
  const cols = direct === null ? (allocate(x.dtype, depth * L) as FloatArray) : null;
  for (let b = 0; b < n; b++) {
    const gOff = grad.offset + b * grad.strides[0]!;
    const xOff = x.offset + b * x.strides[0]!;
    // im2col(x)^T is the (L, depth) matrix with strides (colStride, rowStride) of the (depth, L) columns
    if (cols === null) {
      const [xrs, xcs] = direct!;
      gemmStrided(cout, depth, L, 1, gd, gOff, rs, cs, x.data as FloatArray, xOff, xcs, xrs, 1, dw, 0, depth);
    } else {
      im2colImage(x.data, xOff, x.strides[1]!, x.strides[2]!, x.strides[3]!, cin, g, cols, 0);
      gemmStrided(cout, depth, L, 1, gd, gOff, rs, cs, cols, 0, 1, L, 1, dw, 0, depth);
    }
  }
};

/** The simd weight gradient for float32 (simd/conv2d-simd.ts); float64 stays on js. */
const conv2dWeightGradSimdOrJs: Conv2dWeightGradKernel = (gy, x, dw, s) => {
  if (!(x.data instanceof Float32Array) || !(gy.grad.data instanceof Float32Array) || !(dw instanceof Float32Array)) return conv2dWeightGradJs(gy, x, dw, s);
  const [sN, sC, sH, sW] = x.strides as [number, number, number, number];
  conv2dWeightGradSimd(s, gy.grad.data, gy.grad.offset, gy.grad.strides[0]!, gy.rs, gy.cs, x.data, x.offset, sN, sC, sH, sW, dw);
};

registerKernel('conv2d.backwardWeight', 'js', conv2dWeightGradJs);
registerKernel('conv2d.backwardWeight', 'simd', conv2dWeightGradSimdOrJs);
