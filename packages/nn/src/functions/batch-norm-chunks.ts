// batch_norm's four loops split by channel ranges for the worker pool. Every per-channel sum runs in the serial
// order (n, then s) inside one chunk, so any thread count gives the serial bits.
//
// Each loop is a registered kernel over a channel range [c0, c1): 'batchNorm.stats', 'batchNorm.normalize',
// 'batchNorm.gradSums' and 'batchNorm.inputGrad'. 'js' is the loop here (the oracle), 'simd' the WebAssembly
// SIMD128 twin in ./batch-norm-simd.ts for float32 (normalize and inputGrad bit-identical, stats and gradSums
// within summation order: see there); float64 and runs over 512 KiB fall back to js. A chunk looks its kernel
// up once on its thread's backend.
import { chunkCount, chunkRange, defineKernel, getKernel, registerKernel, runChunks, type KernelArgs, type TypedArray } from '@adder/tensor';
import { bnGradSumsSimd, bnInputGradSimd, bnNormalizeSimd, bnSimdApplies, bnStatsSimd, type BnShape } from './batch-norm-simd';

/** Elements per chunk (these loops are memory-bound: ~0.1 ms each). */
const BN_GRAIN = 131_072;

function channels(args: KernelArgs, c: number): [number, number] {
  return chunkRange(args.C as number, args.chunks as number, c);
}

/** A batch_norm loop over channels [c0, c1) (args as runBatchNormLoop's). */
export type BnLoop = (args: KernelArgs, c0: number, c1: number) => void;

/** Batch statistics of channels [c0, c1): mean, biased variance and 1/sqrt(var + eps). */
export const bnStatsJs: BnLoop = (args, c0, c1) => {
  const N = args.N as number, C = args.C as number, S = args.S as number, xo = args.xo as number, eps = args.eps as number;
  const xd = args.x as TypedArray, mean = args.mean as Float64Array, varBiased = args.varBiased as Float64Array, invstd = args.invstd as Float64Array;
  const M = N * S;
  for (let c = c0; c < c1; c++) {
    let s = 0;
    for (let n = 0; n < N; n++) {
      const base = xo + (n * C + c) * S;
      for (let i = 0; i < S; i++) s += xd[base + i]!;
    }
    const mu = s / M;
    let q = 0;
    for (let n = 0; n < N; n++) {
      const base = xo + (n * C + c) * S;
      for (let i = 0; i < S; i++) {
        const d = xd[base + i]! - mu;
        q += d * d;
      }
    }
    mean[c] = mu;
    varBiased[c] = q / M;
    invstd[c] = 1 / Math.sqrt(q / M + eps);
  }
};

/** y = x * scale + shift for channels [c0, c1), scale = w * invstd, shift = b - mean * scale. */
export const bnNormalizeJs: BnLoop = (args, c0, c1) => {
  const N = args.N as number, C = args.C as number, S = args.S as number, xo = args.xo as number;
  const xd = args.x as TypedArray, yd = args.y as TypedArray;
  const w = args.w as Float64Array, b = args.b as Float64Array, mean = args.mean as Float64Array, invstd = args.invstd as Float64Array;
  for (let n = 0; n < N; n++) {
    for (let c = c0; c < c1; c++) {
      const base = (n * C + c) * S;
      const scale = w[c]! * invstd[c]!;
      const shift = b[c]! - mean[c]! * scale;
      for (let i = 0; i < S; i++) yd[base + i] = xd[xo + base + i]! * scale + shift;
    }
  }
};

/** Per channel of [c0, c1): sum(dy) and sum(dy * xhat), xhat = (x - mean) * invstd, summed per image then over n. */
export const bnGradSumsJs: BnLoop = (args, c0, c1) => {
  const N = args.N as number, C = args.C as number, S = args.S as number, xo = args.xo as number, go = args.go as number;
  const xd = args.x as TypedArray, gd = args.g as TypedArray;
  const mean = args.mean as Float64Array, invstd = args.invstd as Float64Array, sumG = args.sumG as Float64Array, sumGX = args.sumGX as Float64Array;
  for (let n = 0; n < N; n++) {
    for (let c = c0; c < c1; c++) {
      const base = (n * C + c) * S;
      const mu = mean[c]!;
      const is = invstd[c]!;
      let sg = 0;
      let sgx = 0;
      for (let i = 0; i < S; i++) {
        const gv = gd[go + base + i]!;
        sg += gv;
        sgx += gv * (xd[xo + base + i]! - mu) * is;
      }
      sumG[c] = sumG[c]! + sg;
      sumGX[c] = sumGX[c]! + sgx;
    }
  }
};

/** dx for channels [c0, c1): with batch statistics w*invstd/M * (M*dy - sum(dy) - xhat*sum(dy*xhat)), else w*invstd*dy. */
export const bnInputGradJs: BnLoop = (args, c0, c1) => {
  const N = args.N as number, C = args.C as number, S = args.S as number, xo = args.xo as number, go = args.go as number;
  const xd = args.x as TypedArray, gd = args.g as TypedArray, dd = args.dx as TypedArray;
  const w = args.w as Float64Array, mean = args.mean as Float64Array, invstd = args.invstd as Float64Array;
  const sumG = args.sumG as Float64Array, sumGX = args.sumGX as Float64Array;
  const M = N * S;
  const batch = args.batch === 1;
  for (let n = 0; n < N; n++) {
    for (let c = c0; c < c1; c++) {
      const base = (n * C + c) * S;
      const k = w[c]! * invstd[c]!;
      if (batch) {
        const mg = sumG[c]! / M;
        const mgx = sumGX[c]! / M;
        const mu = mean[c]!;
        const is = invstd[c]!;
        for (let i = 0; i < S; i++) {
          const xhat = (xd[xo + base + i]! - mu) * is;
          dd[base + i] = k * (gd[go + base + i]! - mg - xhat * mgx);
        }
      } else {
        for (let i = 0; i < S; i++) dd[base + i] = k * gd[go + base + i]!;
      }
    }
  }
};

/** The shape and channel range of a loop call, and whether its operands are float32 (the simd kernels' dtype). */
function simdShape(args: KernelArgs, c0: number, c1: number, ...arrays: Array<TypedArray | number | undefined>): BnShape | null {
  const S = args.S as number;
  if (!bnSimdApplies(S) || !arrays.every((a) => a instanceof Float32Array)) return null;
  return { N: args.N as number, C: args.C as number, S, c0, c1 };
}

registerKernel<BnLoop>('batchNorm.stats', 'js', bnStatsJs);
registerKernel<BnLoop>('batchNorm.stats', 'simd', (args, c0, c1) => {
  const sh = simdShape(args, c0, c1, args.x);
  if (sh === null) return bnStatsJs(args, c0, c1);
  bnStatsSimd(sh, args.x as Float32Array, args.xo as number, args.eps as number, args.mean as Float64Array, args.varBiased as Float64Array, args.invstd as Float64Array);
});
registerKernel<BnLoop>('batchNorm.normalize', 'js', bnNormalizeJs);
registerKernel<BnLoop>('batchNorm.normalize', 'simd', (args, c0, c1) => {
  const sh = simdShape(args, c0, c1, args.x, args.y);
  if (sh === null) return bnNormalizeJs(args, c0, c1);
  bnNormalizeSimd(sh, args.x as Float32Array, args.xo as number, args.y as Float32Array, args.w as Float64Array, args.b as Float64Array, args.mean as Float64Array, args.invstd as Float64Array);
});
registerKernel<BnLoop>('batchNorm.gradSums', 'js', bnGradSumsJs);
registerKernel<BnLoop>('batchNorm.gradSums', 'simd', (args, c0, c1) => {
  const sh = simdShape(args, c0, c1, args.x, args.g);
  if (sh === null) return bnGradSumsJs(args, c0, c1);
  bnGradSumsSimd(sh, args.x as Float32Array, args.xo as number, args.g as Float32Array, args.go as number,
    args.mean as Float64Array, args.invstd as Float64Array, args.sumG as Float64Array, args.sumGX as Float64Array);
});
registerKernel<BnLoop>('batchNorm.inputGrad', 'js', bnInputGradJs);
registerKernel<BnLoop>('batchNorm.inputGrad', 'simd', (args, c0, c1) => {
  const sh = simdShape(args, c0, c1, args.x, args.g, args.dx);
  if (sh === null) return bnInputGradJs(args, c0, c1);
  bnInputGradSimd(sh, args.x as Float32Array, args.xo as number, args.g as Float32Array, args.go as number, args.dx as Float32Array,
    args.w as Float64Array, args.mean as Float64Array, args.invstd as Float64Array, args.sumG as Float64Array, args.sumGX as Float64Array, args.batch === 1);
});

/** Chunk `chunk` of a loop: its channel range, on the kernel of this thread's backend. */
function chunkOf(name: string, args: KernelArgs, chunk: number): void {
  const [c0, c1] = channels(args, chunk);
  getKernel<BnLoop>(name)(args, c0, c1);
}

/** Chunk `chunk` of 'batchNorm.stats' (the pool imports these four by name). */
export function bnStatsChunk(args: KernelArgs, chunk: number): void {
  chunkOf('batchNorm.stats', args, chunk);
}
/** Chunk `chunk` of 'batchNorm.normalize'. */
export function bnApplyChunk(args: KernelArgs, chunk: number): void {
  chunkOf('batchNorm.normalize', args, chunk);
}
/** Chunk `chunk` of 'batchNorm.gradSums'. */
export function bnGradSumsChunk(args: KernelArgs, chunk: number): void {
  chunkOf('batchNorm.gradSums', args, chunk);
}
/** Chunk `chunk` of 'batchNorm.inputGrad'. */
export function bnInputGradChunk(args: KernelArgs, chunk: number): void {
  chunkOf('batchNorm.inputGrad', args, chunk);
}

const KERNELS = {
  stats: defineKernel(import.meta.url, 'bnStatsChunk', bnStatsChunk),
  apply: defineKernel(import.meta.url, 'bnApplyChunk', bnApplyChunk),
  gradSums: defineKernel(import.meta.url, 'bnGradSumsChunk', bnGradSumsChunk),
  inputGrad: defineKernel(import.meta.url, 'bnInputGradChunk', bnInputGradChunk),
};

/** Runs one of the batch_norm loops over channel chunks (on the pool when large); args must hold N, C, S. */
export function runBatchNormLoop(which: keyof typeof KERNELS, args: KernelArgs): void {
  const N = args.N as number, C = args.C as number, S = args.S as number;
  const chunks = chunkCount(C, N * S, BN_GRAIN);
  runChunks(KERNELS[which], chunks, { ...args, chunks }, 4 * N * C * S);
}
