// The DataLoader: batches, per-epoch seeded shuffling, resumable iteration, its own timing, optional worker prefetch.
import { performance } from 'node:perf_hooks';
import type { Worker } from 'node:worker_threads';
import { NDArray, Storage, startTsWorker } from '@adder/tensor';
import { assembleBatch, type RawBatch } from './batch';
import { ImageDataset, type Dataset } from './dataset';
import { DataError } from './errors';
import type { PrefetchRequest, PrefetchWorkerInit } from './prefetchWorker';
import { epochGenerator } from './seeding';
import type { BatchTransform } from './transforms';

/** Options of the DataLoader. */
export interface DataLoaderOptions {
  batchSize: number;
  /** Shuffle each epoch with a permutation drawn from (seed, epoch) (default false). */
  shuffle?: boolean;
  /** Drop the last partial batch (default false, as the reference recipe keeps it). */
  dropLast?: boolean;
  /** Seeds the shuffle and every random transform (default 0). */
  seed?: number;
  /** Applied to each raw uint8 batch; a uint8 result is converted by toTensor (default: toTensor only). */
  transform?: BatchTransform;
  /** 'worker': iterateAsync assembles the next batch on a worker thread while the current one is used (default 'none'). */
  prefetch?: 'none' | 'worker';
}

/** One batch: images N x C x H x W float32, labels N int32, and where it came from. */
export interface Batch {
  images: NDArray;
  labels: NDArray;
  /** Dataset index of each row. */
  indices: Int32Array;
  epoch: number;
  batchIndex: number;
}

/** The loader's own time: `loadMs` is time the caller spent blocked in it; `workerMs` the worker's assembly time. */
export interface LoaderStats {
  batches: number;
  images: number;
  loadMs: number;
  workerMs: number;
}

interface WorkerReply {
  id: number;
  batch?: RawBatch;
  workMs?: number;
  error?: string;
}

/** Batches a dataset deterministically: epoch e, batch b always holds the same samples with the same augmentation. */
export class DataLoader {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly seed: number;
  readonly transform: BatchTransform | null;
  readonly prefetch: 'none' | 'worker';
  /** Running totals since construction or the last resetStats(). */
  stats: LoaderStats = { batches: 0, images: 0, loadMs: 0, workerMs: 0 };
  private cachedEpoch = -1;
  private cachedOrder: Int32Array | null = null;
  private worker: Worker | null = null;
  private nextId = 0;
  private pending = new Map<number, { resolve: (r: WorkerReply) => void; reject: (e: Error) => void }>();

  constructor(
    readonly dataset: Dataset,
    options: DataLoaderOptions,
  ) {
    if (!Number.isInteger(options.batchSize) || options.batchSize < 1) throw new DataError('DataLoader', `expected a positive integer batchSize, found ${options.batchSize}`);
    this.batchSize = options.batchSize;
    this.shuffle = options.shuffle ?? false;
    this.dropLast = options.dropLast ?? false;
    this.seed = options.seed ?? 0;
    this.transform = options.transform ?? null;
    this.prefetch = options.prefetch ?? 'none';
    if (this.prefetch === 'worker' && !(dataset instanceof ImageDataset)) throw new DataError('DataLoader', 'expected an ImageDataset for worker prefetch, found another Dataset implementation');
  }

  /** Batches per epoch. */
  get numBatches(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** The sample order of an epoch: a Fisher-Yates permutation from (seed, epoch) when shuffling, else 0..n-1. */
  order(epoch: number): Int32Array {
    if (this.cachedEpoch === epoch && this.cachedOrder) return this.cachedOrder;
    const n = this.dataset.length;
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    if (this.shuffle) {
      const gen = epochGenerator(this.seed, epoch);
      for (let i = n - 1; i > 0; i--) {
        const j = gen.randint(0, i + 1);
        const t = order[i]!;
        order[i] = order[j]!;
        order[j] = t;
      }
    }
    this.cachedEpoch = epoch;
    this.cachedOrder = order;
    return order;
  }

  /** The dataset indices of batch b of an epoch. */
  batchIndices(epoch: number, b: number): Int32Array {
    if (!Number.isInteger(b) || b < 0 || b >= this.numBatches) throw new DataError('DataLoader', `expected a batch index in [0, ${this.numBatches}), found ${b}`);
    const start = b * this.batchSize;
    return this.order(epoch).slice(start, Math.min(start + this.batchSize, this.dataset.length));
  }

  /** Assembles batch b of an epoch on this thread. */
  loadBatch(epoch: number, b: number): Batch {
    const t0 = performance.now();
    const indices = this.batchIndices(epoch, b);
    const raw = assembleBatch(this.dataset, indices, this.transform, this.seed, epoch);
    this.stats.loadMs += performance.now() - t0;
    return this.wrap(raw, indices, epoch, b);
  }

  /** Iterates an epoch on this thread, from batch `startBatch` (to resume a run mid-epoch). */
  *iterate(epoch: number, startBatch = 0): Generator<Batch> {
    for (let b = startBatch; b < this.numBatches; b++) yield this.loadBatch(epoch, b);
  }

  /** Iterates an epoch from `startBatch`; with prefetch 'worker' the next batch is assembled on a worker thread meanwhile. */
  async *iterateAsync(epoch: number, startBatch = 0): AsyncGenerator<Batch> {
    if (this.prefetch === 'none') {
      yield* this.iterate(epoch, startBatch);
      return;
    }
    const n = this.numBatches;
    let pending = startBatch < n ? this.requestBatch(epoch, startBatch) : null;
    try {
      for (let b = startBatch; b < n; b++) {
        const t0 = performance.now();
        const batch = await pending!;
        this.stats.loadMs += performance.now() - t0;
        pending = b + 1 < n ? this.requestBatch(epoch, b + 1) : null;
        yield batch;
      }
    } finally {
      // The caller stopped early: nobody will await the prefetched batch, so its failure must not go unhandled.
      pending?.catch(() => undefined);
    }
  }

  /** Zeroes the timing and counters. */
  resetStats(): void {
    this.stats = { batches: 0, images: 0, loadMs: 0, workerMs: 0 };
  }

  /** Stops the prefetch worker, if any. */
  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }

  private wrap(raw: RawBatch, indices: Int32Array, epoch: number, batchIndex: number): Batch {
    this.stats.batches++;
    this.stats.images += indices.length;
    const images = new NDArray(new Storage(raw.images, 'float32'), raw.shape);
    const labels = new NDArray(new Storage(raw.labels, 'int32'), [raw.labels.length]);
    return { images, labels, indices, epoch, batchIndex };
  }

  private async requestBatch(epoch: number, b: number): Promise<Batch> {
    const indices = this.batchIndices(epoch, b);
    const worker = this.ensureWorker();
    const id = this.nextId++;
    const reply = await new Promise<WorkerReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.ref();
      const req: PrefetchRequest = { id, epoch, indices };
      worker.postMessage(req);
    });
    if (reply.error !== undefined || !reply.batch) throw new DataError('DataLoader worker', reply.error ?? 'expected a batch, found none');
    this.stats.workerMs += reply.workMs ?? 0;
    return this.wrap(reply.batch, indices, epoch, b);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const init: PrefetchWorkerInit = { dataset: (this.dataset as ImageDataset).toWorkerData(), transform: this.transform?.spec ?? null, seed: this.seed };
    const worker = startTsWorker(new URL('./prefetchWorker.ts', import.meta.url), { workerData: init }); // tsx-aware (shared with the kernel pool)
    worker.on('message', (reply: WorkerReply) => {
      const p = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.unref();
      p?.resolve(reply);
    });
    const fail = (e: Error): void => {
      for (const p of this.pending.values()) p.reject(new DataError('DataLoader worker', `expected batches, found an error: ${e.message}`));
      this.pending.clear();
      if (this.worker === worker) this.worker = null;
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (this.pending.size > 0) fail(new Error(`the worker exited with code ${code}`));
    });
    worker.unref();
    this.worker = worker;
    return worker;
  }
}
