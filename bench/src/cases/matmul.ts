// matmul GFLOP/s: square sizes, a transposed operand, float64, and the im2col GEMMs of ResNet-20 at batch 32; at
// 512^3 also jax-js (wasm), tfjs-backend-wasm and tfjs-backend-cpu on the same work.
import { matmul, rand, zeros, type DType } from '@adder/tensor';
import type { BenchCase, BenchSuite } from '../harness';
import { jaxMatmulCase } from './peer-jax';
import { tfjsMatmulCase } from './peer-tfjs';

/** (M, K) x (K, N) into a preallocated C; 2*M*K*N flops. */
function gemmCase(m: number, k: number, n: number, dtype: DType, label: string, transposeA = false): BenchCase {
  const a = transposeA ? rand([k, m], { dtype }).transpose() : rand([m, k], { dtype });
  const b = rand([k, n], { dtype });
  const c = zeros([m, n], dtype);
  return { name: `${m}x${k}x${n} ${label}`, flops: 2 * m * k * n, run: () => void matmul(a, b, c) };
}

/** Our 512^3 float32 GEMM followed by the peers' rows of the same name. */
function square512(): BenchCase[] {
  const ours = gemmCase(512, 512, 512, 'float32', 'f32');
  return [
    ours,
    jaxMatmulCase(ours.name, 512, 512, 512),
    tfjsMatmulCase(ours.name, 'wasm', 512, 512, 512),
    tfjsMatmulCase(ours.name, 'cpu', 512, 512, 512),
  ];
}

export const matmulSuite: BenchSuite = {
  name: 'matmul',
  description: 'GEMM on each backend: square sizes and the ResNet-20 im2col shapes (M x K x N); 512^3 also on jax-js wasm, tfjs-wasm, tfjs-cpu',
  cases: (quick) => {
    const cases = [128, 256].map((s) => gemmCase(s, s, s, 'float32', 'f32'));
    cases.push(...square512());
    if (!quick) cases.push(gemmCase(1024, 1024, 1024, 'float32', 'f32'));
    cases.push(gemmCase(512, 512, 512, 'float32', 'f32 A^T', true));
    cases.push(gemmCase(512, 512, 512, 'float64', 'f64'));
    // conv weights (Cout x Cin*9) times im2col columns (Cin*9 x N*H*W) of ResNet-20's three stages
    const batch = quick ? 8 : 32;
    cases.push(gemmCase(16, 144, batch * 1024, 'float32', 'f32 (stage 1)'));
    cases.push(gemmCase(32, 288, batch * 256, 'float32', 'f32 (stage 2)'));
    cases.push(gemmCase(64, 576, batch * 64, 'float32', 'f32 (stage 3)'));
    return cases;
  },
};
