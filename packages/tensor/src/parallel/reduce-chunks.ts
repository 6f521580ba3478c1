// Row reductions (sum, mean) split by output rows on the pool: each row is reduced whole, in order, inside one
// chunk, so the bits equal the serial loop's whatever the thread count.
import { getKernel } from '../backend/registry';
import type { TypedArray } from '../dtype';
// a value import, so that a worker that loads only this module registers the row-sum kernels too
import { ROW_SUM_KERNEL, type RowSumKernel } from '../reduce';
import { defineKernel, type KernelArgs } from './kernel';
import { PARALLEL_MIN_WORK, canParallelize, chunkCount, chunkRange, runChunks } from '#worker-pool';

/** Elements per chunk. */
const REDUCE_GRAIN = 131_072;

/**
 * Chunk c: o[oo + r] = sum of row r (divided by `scale` unless it is 1) for the chunk's rows, by the row-sum kernel
 * of the caller's backend; int32 overflow is left to the caller.
 */
export function rowSumChunk(args: KernelArgs, c: number): void {
  const d = args.d as TypedArray, o = args.o as TypedArray;
  const base = args.base as number, oo = args.oo as number, len = args.len as number, scale = args.scale as number;
  const [r0, r1] = chunkRange(args.outer as number, args.chunks as number, c);
  getKernel<RowSumKernel>(ROW_SUM_KERNEL)(d, base + r0 * len, r1 - r0, len, o, oo + r0, scale);
}
const rowSumKernel = defineKernel(import.meta.url, 'rowSumChunk', rowSumChunk);

/**
 * Sums `outer` contiguous rows of `len` elements (divided by `divisor` unless it is 1) on the pool and returns true,
 * or returns false for the caller's serial loop (small, one row, int32 output, one thread).
 */
export function parallelRowSums(d: TypedArray, base: number, outer: number, len: number, o: TypedArray, oo: number, divisor: number): boolean {
  if (outer < 2 || outer * len < PARALLEL_MIN_WORK || o instanceof Int32Array || !canParallelize()) return false;
  const chunks = Math.min(256, chunkCount(outer, len, REDUCE_GRAIN));
  if (chunks < 2) return false;
  runChunks(rowSumKernel, chunks, { d: d.subarray(base, base + outer * len), base: 0, o: o.subarray(oo, oo + outer), oo: 0, len, outer, scale: divisor, chunks }, outer * len);
  return true;
}
