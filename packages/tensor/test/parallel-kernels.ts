// Chunk kernels the parallel tests run on the pool: a chunked square, one that fails in workers, one that exits.
import { isMainThread, threadId } from 'node:worker_threads';
import { chunkRange, defineKernel, type KernelArgs } from '../src/parallel/index';

/** y[i] = x[i]^2 over chunk c of `chunks` ranges. */
export function squareChunk(args: KernelArgs, c: number): void {
  const x = args.x as Float32Array;
  const y = args.y as Float32Array;
  const [start, end] = chunkRange(x.length, args.chunks as number, c);
  for (let i = start; i < end; i++) y[i] = x[i]! * x[i]!;
}
export const squareKernel = defineKernel(import.meta.url, 'squareChunk', squareChunk);

/**
 * On the calling thread, waits (up to 30 s) until a worker has signalled `seen` (slot 0), so that workers surely
 * take part even while they are still starting; a worker signals it. Returns whether this is a worker.
 */
function meetWorker(seen: Int32Array): boolean {
  if (isMainThread) {
    Atomics.wait(seen, 0, 0, 30_000);
    return false;
  }
  Atomics.store(seen, 0, 1);
  Atomics.notify(seen, 0);
  return true;
}

/** Throws inside a worker; the calling thread waits for a worker to join first. */
export function throwInWorkerChunk(args: KernelArgs, c: number): void {
  if (meetWorker(args.seen as Int32Array)) throw new RangeError(`boom in chunk ${c}`);
}
export const throwInWorkerKernel = defineKernel(import.meta.url, 'throwInWorkerChunk', throwInWorkerChunk);

/** Ends the worker thread in the middle of a chunk. */
export function exitInWorkerChunk(args: KernelArgs, _c: number): void {
  if (meetWorker(args.seen as Int32Array)) process.exit(3);
}
export const exitInWorkerKernel = defineKernel(import.meta.url, 'exitInWorkerChunk', exitInWorkerChunk);

/** Records in who[c] the thread that ran chunk c (0 = the calling thread, which waits for a worker to join). */
export function whoRanChunk(args: KernelArgs, c: number): void {
  (args.who as Int32Array)[c] = threadId;
  meetWorker(args.seen as Int32Array);
}
export const whoRanKernel = defineKernel(import.meta.url, 'whoRanChunk', whoRanChunk);

/** A fresh `seen` flag for the kernels above. */
export function seenFlag(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4));
}
