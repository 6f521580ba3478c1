// What threads.ts asks of a browser: the core count, and whether this thread may start a pool (a pool worker may not).

/** navigator.hardwareConcurrency (1 when the browser hides it). */
export function availableParallelism(): number {
  const n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return typeof n === 'number' && n >= 1 ? n : 1;
}

/** False inside a Web Worker pool worker (set by web-pool-worker.ts), so that pools never nest. */
export let isMainThread = true;

/** Marks this thread as a pool worker (getNumThreads() is 1 from then on). */
export function markPoolWorker(): void {
  isMainThread = false;
}

/** A page has no environment variables: setNumThreads or the core count decide. */
export function envThreads(): string | undefined {
  return undefined;
}
