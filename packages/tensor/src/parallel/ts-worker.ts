// Starts a worker thread on one of our modules: the built JavaScript when this package runs from dist/ (installed
// from npm, plain node), or the TypeScript source through tsx in the workspace (tsx, vitest).
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** True when this module is the compiled JavaScript of the published package (dist/), not the TypeScript source. */
const RUNNING_BUILT_JS = import.meta.url.endsWith('.js');

/**
 * Starts a worker on a module given by its source URL (`new URL('./x.ts', import.meta.url)`). From dist/ the sibling
 * `x.js` runs directly, with no tsx. From source, Node 20 workers do not inherit tsx's `--import` hooks, so a tiny
 * eval'ed bootstrap loads the file through tsx's tsImport API (resolved from here, so it works from any cwd).
 */
export function startTsWorker(file: URL, options: WorkerOptions = {}): Worker {
  if (RUNNING_BUILT_JS) return new Worker(new URL(file.href.replace(/\.ts$/, '.js')), options);
  let api: string;
  try {
    api = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href;
  } catch {
    throw new Error(`parallel: cannot start a worker on ${file.href}: running TypeScript source needs tsx (a devDependency), and it was not found`);
  }
  const boot = `import(${JSON.stringify(api)}).then((m) => m.tsImport(${JSON.stringify(file.href)}, ${JSON.stringify(file.href)}));`;
  return new Worker(boot, { ...options, eval: true });
}
