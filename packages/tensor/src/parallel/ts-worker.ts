// Starts a worker thread on a TypeScript module, under tsx or from compiled JavaScript alike.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker on a TypeScript file. Node 20 workers do not inherit tsx's `--import` hooks, so a tiny eval'ed
 * bootstrap loads the file through tsx's tsImport API (resolved from here, so it works from any cwd).
 */
export function startTsWorker(file: URL, options: WorkerOptions = {}): Worker {
  let api: string;
  try {
    api = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href;
  } catch {
    return new Worker(file, options); // no tsx: only works when running compiled JavaScript
  }
  const boot = `import(${JSON.stringify(api)}).then((m) => m.tsImport(${JSON.stringify(file.href)}, ${JSON.stringify(file.href)}));`;
  return new Worker(boot, { ...options, eval: true });
}
