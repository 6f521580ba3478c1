// startTsWorker in a browser: Node's worker_threads do not exist there (the pool uses Web Workers, see web-pool.ts).
import type { Worker, WorkerOptions } from 'node:worker_threads';
import { TensorError } from '../errors';

/** Refuses: a TypeScript worker thread needs Node (in a page, start a Web Worker through your bundler). */
export function startTsWorker(file: URL, _options: WorkerOptions = {}): Worker {
  throw new TensorError('startTsWorker', `expected Node's worker_threads to start ${file.href}, found a browser (use a Web Worker there)`);
}
