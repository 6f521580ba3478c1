// The worker pool on Web Workers and SharedArrayBuffer: the browser's variant of worker-pool.ts (chosen by the
// "browser" condition of `#worker-pool` in this package's package.json). The protocol is the same: the caller and
// the workers claim chunks from a shared counter and the caller blocks in Atomics.wait, so kernels stay synchronous
// and give the same bits as a serial run. Two differences a page must know:
// - A browser starts a worker only once the starting thread returns to its event loop, so the pool cannot start
//   lazily inside a kernel: `await startWebPool(size, makeWorker)` first. Until then kernels run serially.
// - Atomics.wait is refused on a page's main thread: run the engine in a (module) Web Worker, which starts the pool.
// SharedArrayBuffer needs a cross-origin isolated page (the COOP and COEP headers; see apps/playground/README.md).
import { getBackend } from '../backend/backend';
import { setSharedStorage } from '../storage';
import { PARALLEL_MIN_WORK, ParallelError, claimAndWait, runSerial, shareArgs } from './chunking';
import { CONTROL_SLOTS, FAILED, type JobMessage, type KernelArgs, type ParallelKernel } from './kernel';

export { ParallelError, PARALLEL_MIN_WORK, chunkRange, chunkCount } from './chunking';

/** What the pool needs of a Web Worker (the DOM's Worker has all of it). */
export interface WebWorkerLike {
  postMessage(message: unknown): void;
  terminate(): void;
  addEventListener(type: 'message' | 'error', listener: (event: { data?: unknown; message?: string }) => void): void;
}

/** A job for a Web Worker: JobMessage plus a shared byte buffer for the first failure's text. */
export interface WebJobMessage extends JobMessage {
  /** Bytes 0..3: the UTF-8 length of the failure text that follows (0: none). */
  failure: Uint8Array;
}

/** Bytes of failure text a job carries back. */
export const FAILURE_BYTES = 512;

let workers: WebWorkerLike[] | null = null;
/** True while the calling thread runs chunks: a kernel called from inside a chunk runs serially. */
let inside = false;

/**
 * Starts `size` pool workers and resolves once each has loaded its kernels (the worker script imports the packages
 * whose kernels it runs, then calls serveWebPoolWorker). Any running pool is stopped first. Storage becomes shared.
 */
export async function startWebPool(size: number, makeWorker: () => WebWorkerLike): Promise<void> {
  await shutdown();
  if (!Number.isInteger(size) || size < 0) throw new ParallelError(`startWebPool: expected a worker count >= 0, got ${size}`);
  if (size === 0) return;
  if (typeof SharedArrayBuffer === 'undefined') {
    throw new ParallelError('startWebPool: expected SharedArrayBuffer, found none (serve the page with the COOP/COEP cross-origin isolation headers)');
  }
  const started = await Promise.all(
    Array.from({ length: size }, () => new Promise<WebWorkerLike>((resolve, reject) => {
      const w = makeWorker();
      w.addEventListener('message', (e) => {
        if (e.data === 'ready') resolve(w);
      });
      w.addEventListener('error', (e) => reject(new ParallelError(`startWebPool: a pool worker failed to start: ${e.message ?? 'unknown error'}`)));
    })),
  );
  workers = started;
  setSharedStorage(true);
}

/** Stops the workers; storage stays shared only while a pool runs. */
export async function shutdown(): Promise<void> {
  const ws = workers;
  workers = null;
  setSharedStorage(false);
  for (const w of ws ?? []) w.terminate();
}

/** True when a kernel may split its work now: a pool runs and we are not already inside a chunk. */
export function canParallelize(): boolean {
  return !inside && workers !== null;
}

/** Whether a pool is running now. */
export function poolRunning(): boolean {
  return workers !== null;
}

function failureText(failure: Uint8Array): string {
  const n = new DataView(failure.buffer, failure.byteOffset, 4).getUint32(0, true);
  // TextDecoder refuses views of shared memory: copy first
  return new TextDecoder().decode(failure.slice(4, 4 + n));
}

/**
 * Runs chunks 0..chunks-1 of `kernel` on the pool (the caller takes part) and returns when all are done; as
 * worker-pool.ts's runChunks. Small jobs, no pool and nested calls run serially, in chunk order.
 */
export function runChunks(kernel: ParallelKernel, chunks: number, args: KernelArgs, work = Infinity): void {
  if (chunks <= 1 || inside || work < PARALLEL_MIN_WORK || workers === null) return runSerial(kernel, chunks, args);
  const { shared, copied } = shareArgs(args);
  const control = new Int32Array(new SharedArrayBuffer(CONTROL_SLOTS * 4));
  const failure = new Uint8Array(new SharedArrayBuffer(FAILURE_BYTES));
  const job: WebJobMessage = { backend: getBackend(), url: kernel.url, name: kernel.name, args: shared, chunks, control, failure };
  for (const w of workers) w.postMessage(job);
  claimAndWait(kernel, shared, chunks, control, (running) => (inside = running));
  if (Atomics.load(control, FAILED) !== 0) throw new ParallelError(failureText(failure) || `kernel ${kernel.name} failed in a pool worker`);
  for (const [orig, copy] of copied) orig.set(copy as never);
}
