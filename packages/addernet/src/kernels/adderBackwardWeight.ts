// The adder weight gradient through the GEMM identity dW = G X_col^T - W (.) rowsum(G), one image at a time,
// and its adaptive scaling to the L2 norm eta * sqrt(numel(W)) (AdderNet eq. 13).
import { NDArray, Storage } from '@adder/tensor';
import { adderBackwardOperands, floatContiguous } from './geometry';
import { runAdderWeightProduct } from './chunked';

/**
 * The full-precision adder weight gradient before scaling (the reference's `grad_W_col`):
 * dW[co, k] = sum_{n,p} (X_col[k, p] - W[co, k]) * G[n, co, p] = (G X_col^T)[co, k] - W[co, k] * sum_{n,p} G[n, co, p].
 * Extra memory: one image's im2col (K x P) per thread and up to 16 Cout x K partial sums (summed in chunk order).
 */
export function adderBackwardWeightRaw(x: NDArray, weight: NDArray, gradOut: NDArray, stride = 1, padding = 0): NDArray {
  const op = 'adderBackwardWeight';
  const { geo, xc, wc, gc } = adderBackwardOperands(op, x, weight, gradOut, stride, padding);
  const { cout, kSize, pSize } = geo;
  const out = new NDArray(Storage.alloc(xc.dtype, cout * kSize), [cout, kSize]);
  // G X_col^T over images (one image's im2col and a gemm at a time), split on the worker pool
  runAdderWeightProduct(xc.data, gc.data, out.data, geo);
  // rowsum(G) over images and positions, in float64.
  const g = gc.data;
  const dw = out.data;
  const w = wc.data;
  for (let co = 0; co < cout; co++) {
    let rowSum = 0;
    for (let n = 0; n < geo.n; n++) {
      const base = (n * cout + co) * pSize;
      for (let p = 0; p < pSize; p++) rowSum += g[base + p]!;
    }
    const row = co * kSize;
    for (let k = 0; k < kSize; k++) dw[row + k] = dw[row + k]! - w[row + k]! * rowSum;
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
