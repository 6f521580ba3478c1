// The prefetch worker: rebuilds the dataset and transform from plain data, then assembles the batches it is asked for.
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { assembleBatch } from './batch';
import { ImageDataset, type ImageDatasetData } from './dataset';
import { buildTransform, type TransformSpec } from './transforms';

/** What the loader passes as workerData. */
export interface PrefetchWorkerInit {
  dataset: ImageDatasetData;
  transform: TransformSpec | null;
  seed: number;
}

/** A request: assemble the batch of these indices for this epoch. */
export interface PrefetchRequest {
  id: number;
  epoch: number;
  indices: Int32Array;
}

const init = workerData as PrefetchWorkerInit;
const dataset = ImageDataset.fromWorkerData(init.dataset);
const transform = init.transform ? buildTransform(init.transform) : null;

parentPort!.on('message', (req: PrefetchRequest) => {
  try {
    const t0 = performance.now();
    const batch = assembleBatch(dataset, req.indices, transform, init.seed, req.epoch);
    const workMs = performance.now() - t0;
    parentPort!.postMessage({ id: req.id, batch, workMs }, [batch.images.buffer as ArrayBuffer, batch.labels.buffer as ArrayBuffer]);
  } catch (e) {
    parentPort!.postMessage({ id: req.id, error: e instanceof Error ? e.message : String(e) });
  }
});
