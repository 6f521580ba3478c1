// Assembles one batch: gather the raw uint8 samples, run the transform, make sure the result is float32 CHW.
import { allocate } from '@adder/tensor';
import type { Dataset } from './dataset';
import { toTensor, type BatchTransform } from './transforms';

/** One assembled batch in plain typed arrays (what the prefetch worker sends back). */
export interface RawBatch {
  images: Float32Array;
  shape: [number, number, number, number];
  labels: Int32Array;
}

const implicitToTensor = toTensor();

/** Gathers `indices` from `dataset` and applies `transform` (seeded by seed, epoch and each sample's index). */
export function assembleBatch(dataset: Dataset, indices: Int32Array, transform: BatchTransform | null, seed: number, epoch: number): RawBatch {
  const n = indices.length;
  const { channels: c, height: h, width: w } = dataset;
  const pixels = allocate('uint8', n * c * h * w) as Uint8Array;
  const labels = allocate('int32', n) as Int32Array;
  dataset.gatherInto(indices, pixels, labels);
  const ctx = { seed, epoch, indices };
  let out = { data: pixels as Uint8Array | Float32Array, n, c, h, w };
  if (transform) out = transform.apply(out, ctx);
  if (out.data instanceof Uint8Array) out = implicitToTensor.apply(out, ctx);
  return { images: out.data as Float32Array, shape: [out.n, out.c, out.h, out.w], labels };
}
