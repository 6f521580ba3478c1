// gemm split over blocks of C's rows or columns. Every element of C sums its products in the same order whatever
// the split (the depth blocking is untouched), so the result is bit-identical to one serial call for any split.
import { gemmStrided, type FloatArray } from '../gemm-kernel';
import { getBackend } from '../backend/backend';
import { defineKernel, type KernelArgs } from './kernel';
import { getNumThreads } from './threads';
import { PARALLEL_MIN_WORK, canParallelize, chunkCount, chunkRange, runChunks } from '#worker-pool';

/** Rows per row unit (amortises re-packing B) and columns per column unit (amortises re-packing A). */
const ROW_UNIT = 16;
const COL_UNIT = 64;
/** Multiply-adds per chunk, about 0.2 ms: enough chunks to balance 2-4 threads on ResNet layer sizes. */
const GEMM_GRAIN = 400_000;

/** Chunk c of a split gemm: C[rows or cols of the chunk] = alpha * A B + beta * C on that block. */
export function gemmChunk(args: KernelArgs, c: number): void {
  const m = args.m as number, n = args.n as number, k = args.k as number;
  const aRs = args.aRs as number, bCs = args.bCs as number, ldc = args.ldc as number;
  const [u0, u1] = chunkRange(args.units as number, args.chunks as number, c);
  const a = args.a as FloatArray, b = args.b as FloatArray, cc = args.c as FloatArray;
  if (args.byRows === 1) {
    const r0 = u0 * ROW_UNIT, r1 = Math.min(m, u1 * ROW_UNIT);
    gemmStrided(r1 - r0, n, k, args.alpha as number, a, (args.aOff as number) + r0 * aRs, aRs, args.aCs as number,
      b, args.bOff as number, args.bRs as number, bCs, args.beta as number, cc, (args.cOff as number) + r0 * ldc, ldc);
  } else {
    const j0 = u0 * COL_UNIT, j1 = Math.min(n, u1 * COL_UNIT);
    gemmStrided(m, j1 - j0, k, args.alpha as number, a, args.aOff as number, aRs, args.aCs as number,
      b, (args.bOff as number) + j0 * bCs, args.bRs as number, bCs, args.beta as number, cc, (args.cOff as number) + j0, ldc);
  }
}
const gemmKernel = defineKernel(import.meta.url, 'gemmChunk', gemmChunk);

/**
 * Runs a large gemm on the pool and returns true, or returns false (the caller computes it serially) when the
 * product is small, one thread is set, or the call is already inside a chunk. The bits do not depend on the split.
 */
export function parallelGemm(
  m: number, n: number, k: number, alpha: number,
  a: FloatArray, aOff: number, aRs: number, aCs: number,
  b: FloatArray, bOff: number, bRs: number, bCs: number,
  beta: number, c: FloatArray, cOff: number, ldc: number,
): boolean {
  const work = m * n * k;
  if (work < PARALLEL_MIN_WORK || k === 0 || alpha === 0 || !canParallelize()) return false;
  const rowUnits = Math.ceil(m / ROW_UNIT);
  const colUnits = Math.ceil(n / COL_UNIT);
  const byRows = rowUnits >= colUnits;
  const units = byRows ? rowUnits : colUnits;
  // js: many small chunks (packing is cheap next to its slow kernel). simd: one chunk per thread, because each
  // chunk packs its own copy of the other operand's panel, which at 25 GFLOP/s costs as much as the products.
  // Any split gives the same bits (each element's sum is computed whole in one chunk).
  const chunks = getBackend() === 'simd' ? Math.min(units, getNumThreads()) : Math.min(64, chunkCount(units, work / units, GEMM_GRAIN));
  if (chunks < 2) return false;
  // pass each operand as the window it spans, so that an unshared buffer is copied only that far (not the batch)
  const aEnd = aOff + (m - 1) * aRs + (k - 1) * aCs + 1;
  const bEnd = bOff + (k - 1) * bRs + (n - 1) * bCs + 1;
  const cEnd = cOff + (m - 1) * ldc + n;
  if (aRs < 0 || aCs < 0 || bRs < 0 || bCs < 0) return false;
  runChunks(gemmKernel, chunks, {
    m, n, k, alpha, a: a.subarray(aOff, aEnd), aOff: 0, aRs, aCs, b: b.subarray(bOff, bEnd), bOff: 0, bRs, bCs,
    beta, c: c.subarray(cOff, cEnd), cOff: 0, ldc, units, chunks, byRows: byRows ? 1 : 0,
  }, work);
  return true;
}
