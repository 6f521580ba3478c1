// A pool worker: imports the kernels it is asked to run and claims chunks from the job's shared counter.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { getBackend, setBackend } from '../backend/backend';
import { DONE, FAILED, FAILED_EXIT, FAILED_KERNEL, NEXT, type ChunkFn, type JobMessage } from './kernel';

const { errors, ready } = workerData as { errors: MessagePort; ready: Int32Array };
const modules = new Map<string, Promise<Record<string, unknown>>>();
let current: JobMessage | null = null;

function load(url: string): Promise<Record<string, unknown>> {
  let m = modules.get(url);
  if (m === undefined) {
    m = import(url) as Promise<Record<string, unknown>>;
    modules.set(url, m);
  }
  return m;
}

function describe(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** Records a failure for the caller: the message goes to the error port, the flag wakes the waiting thread. */
function fail(job: JobMessage, message: string, flag = FAILED_KERNEL): void {
  errors.postMessage(message);
  Atomics.store(job.control, FAILED, flag);
}

async function runJob(job: JobMessage): Promise<void> {
  const { control, chunks } = job;
  let fn: ChunkFn;
  try {
    const mod = await load(job.url);
    const f = mod[job.name];
    if (typeof f !== 'function') throw new Error(`module ${job.url} has no export ${job.name}`);
    fn = f as ChunkFn;
  } catch (e) {
    // claim nothing: the caller runs the remaining chunks, then sees the failure
    fail(job, `parallel worker: cannot load kernel ${job.name}: ${describe(e)}`);
    return;
  }
  if (getBackend() !== job.backend) setBackend(job.backend);
  current = job;
  for (let c = Atomics.add(control, NEXT, 1); c < chunks; c = Atomics.add(control, NEXT, 1)) {
    try {
      fn(job.args, c);
    } catch (e) {
      fail(job, `parallel worker: kernel ${job.name} failed on chunk ${c}: ${describe(e)}`);
    }
    Atomics.add(control, DONE, 1);
    Atomics.notify(control, DONE);
  }
  current = null;
}

// A worker that exits in the middle of a chunk (process.exit inside a kernel) must not leave the caller waiting.
process.on('exit', () => {
  if (current === null) return;
  fail(current, `parallel worker: thread exited while running kernel ${current.name}`, FAILED_EXIT);
  Atomics.store(current.control, DONE, current.chunks + 1);
  Atomics.notify(current.control, DONE);
});

let queue: Promise<void> = Promise.resolve();
parentPort!.on('message', (job: JobMessage) => {
  queue = queue.then(() => runJob(job));
});
// tell the starting thread that this worker listens
Atomics.add(ready, 0, 1);
Atomics.notify(ready, 0);
