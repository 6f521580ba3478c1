// Chunk kernels the parallel tests run on the pool: a chunked square, one that fails in workers, one that exits.
import { isMainThread } from 'node:worker_threads';
import { chunkRange, defineKernel, type KernelArgs } from '../src/parallel/index';

/** y[i] = x[i]^2 + chunk-independent offset, over chunk c of `chunks` ranges. */
export function squareChunk(args: KernelArgs, c: number): void {
  const x = args.x as Float32Array;
  const y = args.y as Float32Array;
  const [start, end] = chunkRange(x.length, args.chunks as number, c);
  for (let i = start; i < end; i++) y[i] = x[i]! * x[i]!;
  if (isMainThread && (args.slowMain as number) > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, args.slowMain as number);
}
export const squareKernel = defineKernel(import.meta.url, 'squareChunk', squareChunk);

/** Throws inside a worker; on the calling thread it waits so that the workers take chunks. */
export function throwInWorkerChunk(_args: KernelArgs, c: number): void {
  if (!isMainThread) throw new RangeError(`boom in chunk ${c}`);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
}
export const throwInWorkerKernel = defineKernel(import.meta.url, 'throwInWorkerChunk', throwInWorkerChunk);

/** Ends the worker thread in the middle of a chunk. */
export function exitInWorkerChunk(_args: KernelArgs, _c: number): void {
  if (!isMainThread) process.exit(3);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
}
export const exitInWorkerKernel = defineKernel(import.meta.url, 'exitInWorkerChunk', exitInWorkerChunk);
