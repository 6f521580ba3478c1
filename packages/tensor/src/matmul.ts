// Matrix products of NDArrays: matmul (2-D and batched with broadcasting) and gemm (C = alpha*A*B + beta*C).
import { assign } from './elementwise';
import { TensorError, fmtShape } from './errors';
import { gemmStrided, type FloatArray } from './gemm-kernel';
import { NDArray, viewStrides } from './ndarray';
import { broadcastShapes, numelOf, sameShape } from './shape';
import { Storage } from './storage';

/** Options of gemm: C = alpha * A * B + beta * C. */
export interface GemmOptions {
  /** Scale of the product (default 1). */
  alpha?: number;
  /** Scale of the old C (default 0: C is overwritten). */
  beta?: number;
}

function checkFloatPair(op: string, a: NDArray, b: NDArray): void {
  a.assertFloat(op);
  b.assertFloat(op);
  if (a.dtype !== b.dtype) {
    throw new TensorError(op, `dtypes must match, got ${a.dtype} ${fmtShape(a.shape)} and ${b.dtype} ${fmtShape(b.shape)}`);
  }
}

/**
 * C = alpha * A * B + beta * C in place, for 2-D A (M,K), B (K,N) with any strides (a transposed view costs
 * nothing extra) and a 2-D C (M,N) whose last stride is 1. Returns C.
 */
export function gemm(a: NDArray, b: NDArray, c: NDArray, options: GemmOptions = {}): NDArray {
  const alpha = options.alpha ?? 1;
  const beta = options.beta ?? 0;
  checkFloatPair('gemm', a, b);
  if (a.ndim !== 2 || b.ndim !== 2 || c.ndim !== 2) {
    throw new TensorError('gemm', `expected 2-D A, B and C, got ${fmtShape(a.shape)}, ${fmtShape(b.shape)} and ${fmtShape(c.shape)}`);
  }
  const [m, k] = a.shape as [number, number];
  const [k2, n] = b.shape as [number, number];
  if (k !== k2 || c.shape[0] !== m || c.shape[1] !== n) {
    throw new TensorError('gemm', `incompatible shapes A ${fmtShape(a.shape)} x B ${fmtShape(b.shape)} -> C ${fmtShape(c.shape)} (expected C [${m}, ${n}])`);
  }
  if (c.dtype !== a.dtype) throw new TensorError('gemm', `C must have dtype ${a.dtype}, got ${c.dtype}`);
  if (c.storage === a.storage || c.storage === b.storage) {
    throw new TensorError('gemm', 'C must not share its storage with A or B (the product is written while A and B are read)');
  }
  if (n > 1 && c.strides[1] !== 1) {
    throw new TensorError('gemm', `C must have unit stride along its last dim, got strides ${fmtShape(c.strides)}`);
  }
  gemmStrided(
    m, n, k, alpha,
    a.data as FloatArray, a.offset, a.strides[0]!, a.strides[1]!,
    b.data as FloatArray, b.offset, b.strides[0]!, b.strides[1]!,
    beta, c.data as FloatArray, c.offset, m > 1 ? c.strides[0]! : n,
  );
  c.storage.version++;
  return c;
}

/**
 * Matrix product as torch.matmul for operands of at least 2 dims: (..., M, K) x (..., K, N) -> (..., M, N),
 * the leading batch dims broadcast. float32 or float64 (both the same). `out`, if given, receives the result.
 */
export function matmul(a: NDArray, b: NDArray, out?: NDArray): NDArray {
  checkFloatPair('matmul', a, b);
  if (a.ndim < 2 || b.ndim < 2) {
    throw new TensorError('matmul', `expected operands with at least 2 dims, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  }
  const m = a.shape[a.ndim - 2]!;
  const k = a.shape[a.ndim - 1]!;
  const n = b.shape[b.ndim - 1]!;
  if (b.shape[b.ndim - 2] !== k) {
    throw new TensorError('matmul', `incompatible shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}: inner dims ${k} and ${b.shape[b.ndim - 2]} differ`);
  }
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const batch = broadcastShapes('matmul', batchA, batchB);
  const outShape = [...batch, m, n];
  if (out !== undefined && (!sameShape(out.shape, outShape) || out.dtype !== a.dtype)) {
    throw new TensorError('matmul', `out must be ${a.dtype} ${fmtShape(outShape)}, got ${out.dtype} ${fmtShape(out.shape)}`);
  }
  // write straight into out only when it is contiguous and does not alias an operand
  const direct = out !== undefined && out.isContiguous && out.storage !== a.storage && out.storage !== b.storage;
  const target = direct ? out : new NDArray(Storage.alloc(a.dtype, numelOf(outShape)), outShape);
  const ad = a.data as FloatArray;
  const bd = b.data as FloatArray;
  const cd = target.data as FloatArray;
  const aRs = a.strides[a.ndim - 2]!;
  const aCs = a.strides[a.ndim - 1]!;
  const bRs = b.strides[b.ndim - 2]!;
  const bCs = b.strides[b.ndim - 1]!;
  const nb = numelOf(batch);
  // (B, M, K) x (K, N) is one (B*M, K) x (K, N) product when a's layout can be viewed as (B*M, K).
  const merged = b.ndim === 2 && a.ndim > 2 ? viewStrides(a.shape, a.strides, [nb * m, k]) : null;
  if (merged !== null) {
    gemmStrided(nb * m, n, k, 1, ad, a.offset, merged[0]!, merged[1]!, bd, b.offset, bRs, bCs, 0, cd, target.offset, n);
  } else {
    const nd = batch.length;
    const sa = broadcastBatchStrides(a, nd);
    const sb = broadcastBatchStrides(b, nd);
    const idx = new Array<number>(nd).fill(0);
    for (let t = 0; t < nb; t++) {
      let ao = a.offset;
      let bo = b.offset;
      for (let d = 0; d < nd; d++) {
        ao += idx[d]! * sa[d]!;
        bo += idx[d]! * sb[d]!;
      }
      gemmStrided(m, n, k, 1, ad, ao, aRs, aCs, bd, bo, bRs, bCs, 0, cd, target.offset + t * m * n, n);
      for (let d = nd - 1; d >= 0; d--) {
        if (++idx[d]! < batch[d]!) break;
        idx[d] = 0;
      }
    }
  }
  if (out === undefined) return target;
  if (direct) out.storage.version++;
  else assign(out, target);
  return out;
}

/** Strides of x's batch dims aligned right into `nd` broadcast dims (0 where x has size 1 or lacks the dim). */
function broadcastBatchStrides(x: NDArray, nd: number): number[] {
  const own = x.ndim - 2;
  const out = new Array<number>(nd).fill(0);
  for (let d = 0; d < own; d++) out[nd - own + d] = x.shape[d] === 1 ? 0 : x.strides[d]!;
  return out;
}
