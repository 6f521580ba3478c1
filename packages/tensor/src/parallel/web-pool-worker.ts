// The inside of a Web Worker pool worker. The worker script imports the packages whose kernels it runs (their
// defineKernel calls register them by name), then calls serveWebPoolWorker():
//   import '@adder/addernet';   // and so @adder/nn and @adder/tensor
//   import { serveWebPoolWorker } from '@adder/tensor/web-pool-worker';
//   serveWebPoolWorker();
import { getBackend, setBackend } from '../backend/backend';
import { declaredKernel, DONE, FAILED, FAILED_KERNEL, NEXT } from './kernel';
import { markPoolWorker } from './thread-host-web';
import type { WebJobMessage } from './web-pool';

interface WorkerScope {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { data: WebJobMessage }) => void): void;
}

/** Records the first failure of a job: its text in the shared failure buffer, then the flag. */
function fail(job: WebJobMessage, message: string): void {
  if (Atomics.compareExchange(job.control, FAILED, 0, FAILED_KERNEL) !== 0) return;
  const bytes = new TextEncoder().encode(message).subarray(0, job.failure.length - 4);
  job.failure.set(bytes, 4);
  new DataView(job.failure.buffer, job.failure.byteOffset, 4).setUint32(0, bytes.length, true);
}

function runJob(job: WebJobMessage): void {
  const { control, chunks } = job;
  const kernel = declaredKernel(job.name);
  if (kernel === undefined) {
    // claim nothing: the caller runs the remaining chunks, then sees the failure
    fail(job, `parallel worker: kernel ${job.name} is not declared in the pool worker (import its package in the worker script)`);
    return;
  }
  if (getBackend() !== job.backend) setBackend(job.backend);
  for (let c = Atomics.add(control, NEXT, 1); c < chunks; c = Atomics.add(control, NEXT, 1)) {
    try {
      kernel.fn(job.args, c);
    } catch (e) {
      fail(job, `parallel worker: kernel ${job.name} failed on chunk ${c}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    }
    Atomics.add(control, DONE, 1);
    Atomics.notify(control, DONE);
  }
}

/** Serves pool jobs in this Web Worker and tells the starting thread it is ready. */
export function serveWebPoolWorker(): void {
  markPoolWorker();
  const scope = globalThis as unknown as WorkerScope;
  scope.addEventListener('message', (e) => runJob(e.data));
  scope.postMessage('ready');
}
