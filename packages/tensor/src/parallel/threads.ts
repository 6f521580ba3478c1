// How many threads the kernels may use: setNumThreads, else ADDER_THREADS, else the available cores.
import { availableParallelism, envThreads, isMainThread } from '#thread-host';
import { TensorError } from '../errors';

let requested: number | null = null;
const listeners: Array<(n: number) => void> = [];

/** The most threads a pool may have (each worker costs ~10-15 MB; ADDER_THREADS=1000 exhausted memory). */
export const MAX_THREADS = 256;

function parseThreads(source: string, value: unknown): number {
  const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value.trim()) : typeof value === 'number' ? value : Number.NaN;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_THREADS) {
    throw new TensorError('setNumThreads', `expected an integer thread count from 1 to ${MAX_THREADS} from ${source}, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** The thread count the kernels use (1 inside a worker thread: pools never nest). */
export function getNumThreads(): number {
  if (!isMainThread) return 1;
  if (requested !== null) return requested;
  const env = envThreads();
  if (env !== undefined && env.trim() !== '') return parseThreads('ADDER_THREADS', env);
  return availableParallelism();
}

/** Sets the thread count (1 = no pool at all); a running pool of another size is shut down and restarts lazily. */
export function setNumThreads(n: number): void {
  requested = parseThreads('setNumThreads', n);
  for (const l of listeners) l(requested);
}

/** Called with the new count whenever setNumThreads runs (the pool uses it to resize). */
export function onNumThreadsChange(listener: (n: number) => void): void {
  listeners.push(listener);
}
