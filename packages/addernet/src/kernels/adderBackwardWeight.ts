// The adder weight gradient through the GEMM identity dW = G X_col^T - W (.) rowsum(G), one image at a time,
// and its adaptive scaling to the L2 norm eta * sqrt(numel(W)) (AdderNet eq. 13). Kernel 'adder2d.weightGrad'
// (js here: im2col + GEMM; simd in simd/adder-weight-grad-simd.ts) computes the product term over a range of images.
import { NDArray, Storage, allocate, gemm, im2colImage, registerKernel, type TypedArray } from '@adder/tensor';
import { adderBackwardOperands, adderWindow, floatContiguous, type AdderGeometry } from './geometry';
import { runAdderWeightProduct } from './chunked';
import { weightProductImagesSimd } from './simd/adder-weight-grad-simd';

/**
 * Kernel 'adder2d.weightGrad': over images [n0, n1), partial (Cout x K) = sum_n G_n X_col,n^T and rowSums (Cout,
 * float64) = sum_n sum_p G_n[co, p], from x and gradOut (contiguous). js: weightProductImagesJs; simd (float32):
 * weightProductImagesSimd.
 */
export type AdderWeightProductImages = (x: TypedArray, grad: TypedArray, partial: TypedArray, rowSums: Float64Array, g: AdderGeometry, n0: number, n1: number) => void;

/**
 * The js kernel: one image's im2col (K x P, the tensor package's im2colImage) at a time and a GEMM into the partial sum (the GEMM follows the
 * backend), and the row sums of G in float64 in order.
 */
export const weightProductImagesJs: AdderWeightProductImages = (x, grad, partial, rowSums, g, n0, n1) => {
  const { cout, kSize, pSize } = g;
  for (let co = 0; co < cout; co++) {
    let s = 0;
    for (let n = n0; n < n1; n++) {
      const base = (n * cout + co) * pSize;
      for (let p = 0; p < pSize; p++) s += grad[base + p]!;
    }
    rowSums[co] = s;
  }
  const col = NDArray.fromTyped(allocate(x instanceof Float64Array ? 'float64' : 'float32', kSize * pSize), [kSize, pSize]);
  const colT = col.transpose(0, 1);
  const out = NDArray.fromTyped(partial, [cout, kSize]);
  const gImage = NDArray.fromTyped(grad, [grad.length]);
  const window = adderWindow('adder2d', g);
  const image = g.cin * g.h * g.w;
  for (let n = n0; n < n1; n++) {
    im2colImage(x, n * image, g.h * g.w, g.w, 1, g.cin, window, col.data, 0);
    const gn = new NDArray(gImage.storage, [cout, pSize], [pSize, 1], n * cout * pSize);
    gemm(gn, colT, out, { beta: n === n0 ? 0 : 1 });
  }
};

registerKernel('adder2d.weightGrad', 'js', weightProductImagesJs);
registerKernel<AdderWeightProductImages>('adder2d.weightGrad', 'simd', (x, grad, partial, rowSums, g, n0, n1) => {
  if (x instanceof Float32Array && grad instanceof Float32Array && partial instanceof Float32Array && g.kSize > 0 && n1 > n0) {
    weightProductImagesSimd(x, grad, partial, rowSums, g, n0, n1);
  } else {
    weightProductImagesJs(x, grad, partial, rowSums, g, n0, n1); // float64 stays on js (f64x2 holds only two lanes)
  }
});

/**
 * The full-precision adder weight gradient before scaling (the reference's `grad_W_col`):
 * dW[co, k] = sum_{n,p} (X_col[k, p] - W[co, k]) * G[n, co, p] = (G X_col^T)[co, k] - W[co, k] * sum_{n,p} G[n, co, p].
 * rowsum(G) is summed in float64 (per chunk, then in chunk order). Extra memory: one image's im2col (K x P) per
 * thread on js, and up to 16 Cout x K partial sums (summed in chunk order).
 */
export function adderBackwardWeightRaw(x: NDArray, weight: NDArray, gradOut: NDArray, stride = 1, padding = 0): NDArray {
  const op = 'adderBackwardWeight';
  const { geo, xc, wc, gc } = adderBackwardOperands(op, x, weight, gradOut, stride, padding);
  const { cout, kSize } = geo;
  const out = new NDArray(Storage.alloc(xc.dtype, cout * kSize), [cout, kSize]);
  // G X_col^T and rowsum(G) over images (kernel adder2d.weightGrad on image ranges), split on the worker pool
  const rowSums = new Float64Array(cout);
  runAdderWeightProduct(xc.data, gc.data, out.data, rowSums, geo);
  const dw = out.data;
  const w = wc.data;
  for (let co = 0; co < cout; co++) {
    const row = co * kSize;
    for (let k = 0; k < kSize; k++) dw[row + k] = dw[row + k]! - w[row + k]! * rowSums[co]!;
  }
  return out.reshape(weight.shape);
}

/**
 * The paper's adaptive learning rate (eq. 13, the reference's `grad_W_col / norm.clamp(min=1e-12) * sqrt(numel) / 5`):
 * returns dW * eta * sqrt(numel(dW)) / max(||dW||_2, 1e-12), the norm taken over the whole layer.
 */
export function scaleAdderGrad(grad: NDArray, eta = 0.2): NDArray {
  const gc = floatContiguous('scaleAdderGrad', 'grad', grad);
  const d = gc.data;
  let sq = 0;
  for (let i = 0; i < d.length; i++) sq += d[i]! * d[i]!;
  const factor = (eta * Math.sqrt(gc.size)) / Math.max(Math.sqrt(sq), 1e-12);
  const out = Storage.alloc(gc.dtype, gc.size);
  for (let i = 0; i < d.length; i++) out.data[i] = d[i]! * factor;
  return new NDArray(out, gc.shape);
}

/** The scaled adder weight gradient, as the reference's backward returns it. */
export function adderBackwardWeight(x: NDArray, weight: NDArray, gradOut: NDArray, stride = 1, padding = 0, eta = 0.2): NDArray {
  return scaleAdderGrad(adderBackwardWeightRaw(x, weight, gradOut, stride, padding), eta);
}
