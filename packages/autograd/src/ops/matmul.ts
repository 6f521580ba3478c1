// Differentiable matrix product with torch.matmul's rules (1-D operands, broadcast batch dims), and torch's strict
// mm (2-d) and bmm (3-d, equal batches), which check their shapes and use the same Function.
import * as K from '@adder/tensor';
import { fmtShape, type NDArray } from '@adder/tensor';
import { AutogradError } from '../errors';
import { sumToShape } from '../broadcast';
import { defineFunction } from '../function';
import type { Tensor } from '../tensor';
import { squeeze, unsqueeze } from './views';

const MatmulFn = defineFunction<{}, { a: NDArray; b: NDArray }>({
  name: 'matmul',
  forward(ctx, a: NDArray, b: NDArray) {
    ctx.save({ a, b });
    return K.matmul(a, b);
  },
  // dA = G B^T, dB = A^T G; an operand whose batch dims were broadcast sums its gradient over them.
  backward(ctx, g) {
    const { a, b } = ctx.saved;
    const [needA, needB] = ctx.needsInputGrad;
    const ga = needA ? sumToShape(K.matmul(g, b.transpose(-2, -1)), a.shape) : null;
    let gb: NDArray | null = null;
    if (needB) {
      if (b.ndim === 2 && a.ndim > 2) {
        // (B, M, K) x (K, N): fold the batch into rows, one (K, B*M) x (B*M, N) product.
        const k = a.shape[a.ndim - 1]!;
        gb = K.matmul(a.reshape([-1, k]).transpose(), g.reshape([-1, g.shape[g.ndim - 1]!]));
      } else gb = sumToShape(K.matmul(a.transpose(-2, -1), g), b.shape);
    }
    return [ga, gb];
  },
});

/** Matrix product as torch.matmul: 1-D operands are promoted and the added dim removed; batch dims broadcast. */
export function matmul(a: Tensor, b: Tensor): Tensor {
  const aVec = a.ndim === 1;
  const bVec = b.ndim === 1;
  const out = MatmulFn(aVec ? unsqueeze(a, 0) : a, bVec ? unsqueeze(b, -1) : b);
  if (!aVec && !bVec) return out;
  const drop: number[] = [];
  if (aVec) drop.push(out.ndim - 2);
  if (bVec) drop.push(out.ndim - 1);
  return squeeze(out, drop);
}

/** Throws unless `a` and `b` have `ndim` dims each and the inner sizes agree (and, for bmm, the batch sizes). */
function checkMatrices(op: 'mm' | 'bmm', a: Tensor, b: Tensor, ndim: number): void {
  const what = ndim === 2 ? '2-d matrices' : '3-d batches of matrices';
  if (a.ndim !== ndim || b.ndim !== ndim) throw new AutogradError(op, `expects ${what}, got shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  if (ndim === 3 && a.shape[0] !== b.shape[0]) {
    throw new AutogradError(op, `batch sizes differ: shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} (bmm does not broadcast; use matmul)`);
  }
  if (a.shape[ndim - 1] !== b.shape[ndim - 2]) {
    throw new AutogradError(op, `shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} cannot be multiplied (${a.shape[ndim - 1]} != ${b.shape[ndim - 2]})`);
  }
}
/** torch.mm: the product of two 2-d matrices, (n, m) x (m, p) -> (n, p); no broadcasting (matmul's Function). */
export function mm(a: Tensor, b: Tensor): Tensor {
  checkMatrices('mm', a, b, 2);
  return MatmulFn(a, b);
}
/** torch.bmm: batched products of 3-d tensors, (B, n, m) x (B, m, p) -> (B, n, p); batch sizes must be equal. */
export function bmm(a: Tensor, b: Tensor): Tensor {
  checkMatrices('bmm', a, b, 3);
  return MatmulFn(a, b);
}
