// What threads.ts asks of Node: the core count, whether this is the main thread, and ADDER_THREADS.
export { availableParallelism } from 'node:os';
export { isMainThread } from 'node:worker_threads';

/** The ADDER_THREADS environment variable, or undefined. */
export function envThreads(): string | undefined {
  return process.env.ADDER_THREADS;
}
