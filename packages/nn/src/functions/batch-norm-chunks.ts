// batch_norm's four loops split by channel ranges for the worker pool. Every per-channel sum runs in the serial
// order (n, then s) inside one chunk, so any thread count gives the serial bits.
import { chunkCount, chunkRange, defineKernel, runChunks, type KernelArgs, type TypedArray } from '@adder/tensor';

/** Elements per chunk (these loops are memory-bound: ~0.1 ms each). */
const BN_GRAIN = 131_072;

function channels(args: KernelArgs, c: number): [number, number] {
  return chunkRange(args.C as number, args.chunks as number, c);
}

/** Batch statistics of channels in the chunk: mean, biased variance and 1/sqrt(var + eps). */
export function bnStatsChunk(args: KernelArgs, chunk: number): void {
  const N = args.N as number, C = args.C as number, S = args.S as number, xo = args.xo as number, eps = args.eps as number;
  const xd = args.x as TypedArray, mean = args.mean as Float64Array, varBiased = args.varBiased as Float64Array, invstd = args.invstd as Float64Array;
  const M = N * S;
  const [c0, c1] = channels(args, chunk);
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
}

/** y = x * scale + shift for the chunk's channels, scale = w * invstd, shift = b - mean * scale. */
export function bnApplyChunk(args: KernelArgs, chunk: number): void {
  const N = args.N as number, C = args.C as number, S = args.S as number, xo = args.xo as number;
  const xd = args.x as TypedArray, yd = args.y as TypedArray;
  const w = args.w as Float64Array, b = args.b as Float64Array, mean = args.mean as Float64Array, invstd = args.invstd as Float64Array;
  const [c0, c1] = channels(args, chunk);
  for (let n = 0; n < N; n++) {
    for (let c = c0; c < c1; c++) {
      const base = (n * C + c) * S;
      const scale = w[c]! * invstd[c]!;
      const shift = b[c]! - mean[c]! * scale;
      for (let i = 0; i < S; i++) yd[base + i] = xd[xo + base + i]! * scale + shift;
    }
  }
}

/** Per channel of the chunk: sum(dy) and sum(dy * xhat), xhat = (x - mean) * invstd, summed per image then over n. */
export function bnGradSumsChunk(args: KernelArgs, chunk: number): void {
  const N = args.N as number, C = args.C as number, S = args.S as number, xo = args.xo as number, go = args.go as number;
  const xd = args.x as TypedArray, gd = args.g as TypedArray;
  const mean = args.mean as Float64Array, invstd = args.invstd as Float64Array, sumG = args.sumG as Float64Array, sumGX = args.sumGX as Float64Array;
  const [c0, c1] = channels(args, chunk);
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
}

/** dx for the chunk's channels: with batch statistics w*invstd/M * (M*dy - sum(dy) - xhat*sum(dy*xhat)), else w*invstd*dy. */
export function bnInputGradChunk(args: KernelArgs, chunk: number): void {
  const N = args.N as number, C = args.C as number, S = args.S as number, xo = args.xo as number, go = args.go as number;
  const xd = args.x as TypedArray, gd = args.g as TypedArray, dd = args.dx as TypedArray;
  const w = args.w as Float64Array, mean = args.mean as Float64Array, invstd = args.invstd as Float64Array;
  const sumG = args.sumG as Float64Array, sumGX = args.sumGX as Float64Array;
  const M = N * S;
  const batch = args.batch === 1;
  const [c0, c1] = channels(args, chunk);
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
