// The worker pool and runChunks: the caller and (threads - 1) workers claim chunks from a shared counter;
// the caller blocks in Atomics.wait until every chunk is done, so kernels stay synchronous functions.
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import { getBackend } from '../backend/backend';
import { setSharedStorage } from '../storage';
import { PARALLEL_MIN_WORK, ParallelError, claimAndWait, runSerial, shareArgs } from './chunking';
import { CONTROL_SLOTS, FAILED, FAILED_EXIT, type JobMessage, type KernelArgs, type ParallelKernel } from './kernel';
import { getNumThreads, onNumThreadsChange } from './threads';
import { startTsWorker } from './ts-worker';

export { ParallelError, PARALLEL_MIN_WORK, chunkRange, chunkCount } from './chunking';

interface Pool {
  workers: Worker[];
  /** One port per worker on which it reports failures (read synchronously with receiveMessageOnPort). */
  errors: MessagePort[];
  /** An error event of a worker (a failed start): reported by the next call. */
  broken: string | null;
}

let pool: Pool | null = null;
/** True while the calling thread runs chunks: a kernel called from inside a chunk runs serially. */
let inside = false;

/** How long starting the pool may wait for its workers to listen before going on without them. */
const START_TIMEOUT_MS = 30_000;

/** Starts `size` workers and waits (blocking, up to START_TIMEOUT_MS) until they listen, so the first kernels use them. */
function startPool(size: number): Pool {
  const p: Pool = { workers: [], errors: [], broken: null };
  const ready = new Int32Array(new SharedArrayBuffer(4));
  for (let i = 0; i < size; i++) {
    const { port1, port2 } = new MessageChannel();
    port1.unref();
    p.errors.push(port1);
    const w = startTsWorker(new URL('./worker-main.ts', import.meta.url), { workerData: { errors: port2, ready }, transferList: [port2] });
    w.on('error', (e: unknown) => {
      p.broken ??= `a pool worker failed: ${e instanceof Error ? e.message : String(e)}`;
    });
    w.on('exit', (code: number) => {
      if (pool === p) p.broken ??= `a pool worker exited with code ${code}`;
    });
    w.unref();
    p.workers.push(w);
  }
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (let n = Atomics.load(ready, 0); n < size && Date.now() < deadline; n = Atomics.load(ready, 0)) {
    Atomics.wait(ready, 0, n, deadline - Date.now());
  }
  return p;
}

/** Stops the workers; the next parallel kernel starts a new pool. Storage stays shared only while a pool runs. */
export async function shutdown(): Promise<void> {
  const p = pool;
  pool = null;
  setSharedStorage(false);
  if (p === null) return;
  for (const port of p.errors) port.close();
  await Promise.all(p.workers.map((w) => w.terminate()));
}

onNumThreadsChange((n) => {
  if (pool !== null && pool.workers.length !== n - 1) void shutdown();
});

/** The pool for the current thread count, started on first use (null when one thread is asked for). */
function ensurePool(): Pool | null {
  const threads = getNumThreads();
  if (threads <= 1) return null;
  if (pool === null) {
    pool = startPool(threads - 1);
    setSharedStorage(true);
  }
  return pool;
}

/** True when a kernel may split its work now: more than one thread, and not already inside a chunk. */
export function canParallelize(): boolean {
  return !inside && getNumThreads() > 1;
}

/** Whether a pool is running now. */
export function poolRunning(): boolean {
  return pool !== null;
}

function drainErrors(p: Pool): string[] {
  const messages: string[] = [];
  for (const port of p.errors) {
    for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) messages.push(String(m.message));
  }
  return messages;
}

/**
 * Runs chunks 0..chunks-1 of `kernel` on the pool (the caller takes part) and returns when all are done.
 * `work` estimates the total operations: small jobs, one thread and nested calls run serially, in chunk order.
 * Arrays not backed by SharedArrayBuffer are copied in and back out.
 */
export function runChunks(kernel: ParallelKernel, chunks: number, args: KernelArgs, work = Infinity): void {
  if (chunks <= 1 || inside || work < PARALLEL_MIN_WORK) return runSerial(kernel, chunks, args);
  const p = ensurePool();
  if (p === null) return runSerial(kernel, chunks, args);
  if (p.broken !== null) {
    const message = p.broken;
    void shutdown();
    throw new ParallelError(`${message}; the pool was shut down`);
  }
  drainErrors(p); // reports of earlier jobs that finished without the failing worker's help
  const { shared, copied } = shareArgs(args);
  const control = new Int32Array(new SharedArrayBuffer(CONTROL_SLOTS * 4));
  const job: JobMessage = { backend: getBackend(), url: kernel.url, name: kernel.name, args: shared, chunks, control };
  for (const w of p.workers) w.postMessage(job);
  claimAndWait(kernel, shared, chunks, control, (running) => (inside = running));
  const failed = Atomics.load(control, FAILED);
  if (failed !== 0) {
    const messages = drainErrors(p);
    if (failed === FAILED_EXIT) void shutdown(); // a worker is gone: the next kernel starts a fresh pool
    const more = messages.length > 1 ? ` (and ${messages.length - 1} more failures)` : '';
    throw new ParallelError(messages.length > 0 ? `${messages[0]}${more}` : `kernel ${kernel.name} failed in a worker`);
  }
  for (const [orig, copy] of copied) orig.set(copy as never);
}
