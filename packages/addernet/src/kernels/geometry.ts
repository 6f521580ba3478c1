// The shapes of one adder2d call: input, weight, output and the im2col sizes K and P. The window arithmetic is
// the tensor package's (windowGeometry, as conv2d's); this file adds the adder's own checks and messages.
import { TensorError, fmtShape, windowGeometry, type NDArray, type WindowGeometry } from '@adder/tensor';

/** Everything an adder kernel needs to know about the sizes of one call. */
export interface AdderGeometry {
  n: number;
  cin: number;
  h: number;
  w: number;
  cout: number;
  kh: number;
  kw: number;
  stride: number;
  padding: number;
  ho: number;
  wo: number;
  /** Rows of the im2col matrix: Cin * kh * kw. */
  kSize: number;
  /** Output positions per image: Ho * Wo. */
  pSize: number;
}

/** Checks x (N,Cin,H,W) and weight (Cout,Cin,kh,kw) and derives the output size, as conv2d does. */
export function adderGeometry(op: string, xShape: readonly number[], wShape: readonly number[], stride: number, padding: number): AdderGeometry {
  if (xShape.length !== 4) throw new TensorError(op, `expected x of shape (N, Cin, H, W), got ${fmtShape(xShape)}`);
  if (wShape.length !== 4) throw new TensorError(op, `expected weight of shape (Cout, Cin, kh, kw), got ${fmtShape(wShape)}`);
  if (!Number.isInteger(stride) || stride < 1) throw new TensorError(op, `expected a positive integer stride, got ${stride}`);
  if (!Number.isInteger(padding) || padding < 0) throw new TensorError(op, `expected a non-negative integer padding, got ${padding}`);
  const [n, cin, h, w] = xShape as [number, number, number, number];
  const [cout, wcin, kh, kw] = wShape as [number, number, number, number];
  if (wcin !== cin) {
    throw new TensorError(op, `weight ${fmtShape(wShape)} expects ${wcin} input channels, x ${fmtShape(xShape)} has ${cin}`);
  }
  if (kh > h + 2 * padding || kw > w + 2 * padding) {
    throw new TensorError(op, `kernel ${kh}x${kw} with padding ${padding} does not fit input ${h}x${w}`);
  }
  const { outH: ho, outW: wo } = windowGeometry(op, h, w, [kh, kw], stride, padding, 1);
  return { n, cin, h, w, cout, kh, kw, stride, padding, ho, wo, kSize: cin * kh * kw, pSize: ho * wo };
}

/** The tensor package's window geometry of an adder call (dilation 1), for its im2colImage. */
export function adderWindow(op: string, g: AdderGeometry): WindowGeometry {
  return windowGeometry(op, g.h, g.w, [g.kh, g.kw], g.stride, g.padding, 1);
}

/** Throws unless a is a float array; returns its contiguous version. */
export function floatContiguous(op: string, name: string, a: NDArray): NDArray {
  if (a.dtype !== 'float32' && a.dtype !== 'float64') {
    throw new TensorError(op, `expected ${name} of dtype float32 or float64, got ${a.dtype}`);
  }
  return a.contiguous();
}

/** The checked, contiguous operands of an adder backward kernel and their geometry. */
export interface AdderBackwardOperands {
  geo: AdderGeometry;
  xc: NDArray;
  wc: NDArray;
  gc: NDArray;
}

/** Checks x, weight and gradOut of a backward kernel (shapes, float dtypes, one dtype) and makes them contiguous. */
export function adderBackwardOperands(op: string, x: NDArray, weight: NDArray, gradOut: NDArray, stride: number, padding: number): AdderBackwardOperands {
  const geo = adderGeometry(op, x.shape, weight.shape, stride, padding);
  const expected = [geo.n, geo.cout, geo.ho, geo.wo];
  if (gradOut.shape.length !== 4 || gradOut.shape.some((d, i) => d !== expected[i])) {
    throw new TensorError(op, `expected gradOut of shape ${fmtShape(expected)}, got ${fmtShape(gradOut.shape)}`);
  }
  const xc = floatContiguous(op, 'x', x);
  const wc = floatContiguous(op, 'weight', weight);
  const gc = floatContiguous(op, 'gradOut', gradOut);
  if (xc.dtype !== wc.dtype || gc.dtype !== xc.dtype) {
    throw new TensorError(op, `x, weight and gradOut must share a dtype, got ${xc.dtype}, ${wc.dtype}, ${gc.dtype}`);
  }
  return { geo, xc, wc, gc };
}
