// The dataset interface and its one in-memory implementation: uint8 CHW images plus integer labels.
import { allocate } from '@adder/tensor';
import { DataError } from './errors';

/** One sample: a CHW uint8 image (channels * height * width bytes) and its class index. */
export interface Sample {
  image: Uint8Array;
  label: number;
}

/** What every dataset offers: its size, samples, class names, shape and subsets. */
export interface Dataset {
  /** Number of samples. */
  readonly length: number;
  /** Image channels (3 for CIFAR, 1 for Fashion-MNIST). */
  readonly channels: number;
  /** Image height in pixels. */
  readonly height: number;
  /** Image width in pixels. */
  readonly width: number;
  /** Class names, indexed by label. */
  readonly classNames: readonly string[];
  /** Sample i (a copy of its pixels). */
  get(i: number): Sample;
  /** The dataset restricted to `indices` (in that order), without copying pixels. */
  subset(indices: ArrayLike<number>): Dataset;
  /** Copies the samples `indices` into `images` (n*C*H*W bytes, CHW per sample) and `labels`. */
  gatherInto(indices: ArrayLike<number>, images: Uint8Array, labels: Int32Array): void;
}

/** The plain-data form of an ImageDataset (what crosses to a worker thread). */
export interface ImageDatasetData {
  pixels: Uint8Array;
  labels: Int32Array;
  channels: number;
  height: number;
  width: number;
  classNames: string[];
  index: Int32Array | null;
}

/** A dataset held in memory as one uint8 buffer of CHW images, with an optional index map (for subsets). */
export class ImageDataset implements Dataset {
  readonly length: number;
  readonly imageSize: number;

  constructor(
    readonly pixels: Uint8Array,
    readonly labels: Int32Array,
    readonly channels: number,
    readonly height: number,
    readonly width: number,
    readonly classNames: readonly string[],
    private readonly index: Int32Array | null = null,
  ) {
    this.imageSize = channels * height * width;
    const stored = labels.length;
    if (pixels.length !== stored * this.imageSize) {
      throw new DataError('ImageDataset', `expected ${stored} images of ${channels}x${height}x${width} = ${stored * this.imageSize} bytes, found ${pixels.length}`);
    }
    if (index) {
      for (let k = 0; k < index.length; k++) {
        if (index[k]! < 0 || index[k]! >= stored) throw new DataError('ImageDataset.subset', `expected indices in [0, ${stored}), found ${index[k]}`);
      }
    }
    this.length = index ? index.length : stored;
  }

  private storedIndex(i: number): number {
    if (!Number.isInteger(i) || i < 0 || i >= this.length) throw new DataError('Dataset.get', `expected an index in [0, ${this.length}), found ${i}`);
    return this.index ? this.index[i]! : i;
  }

  /** Sample i (a copy of its pixels). */
  get(i: number): Sample {
    const j = this.storedIndex(i);
    const start = j * this.imageSize;
    return { image: this.pixels.slice(start, start + this.imageSize), label: this.labels[j]! };
  }

  /** The dataset restricted to `indices`, sharing the pixel buffer. */
  subset(indices: ArrayLike<number>): ImageDataset {
    const map = new Int32Array(indices.length);
    for (let k = 0; k < indices.length; k++) map[k] = this.storedIndex(indices[k]!);
    return new ImageDataset(this.pixels, this.labels, this.channels, this.height, this.width, this.classNames, map);
  }

  /** Copies the samples `indices` into `images` and `labels`. */
  gatherInto(indices: ArrayLike<number>, images: Uint8Array, labels: Int32Array): void {
    const size = this.imageSize;
    if (images.length < indices.length * size || labels.length < indices.length) {
      throw new DataError('Dataset.gatherInto', `expected buffers for ${indices.length} samples, found ${images.length} bytes and ${labels.length} labels`);
    }
    for (let k = 0; k < indices.length; k++) {
      const j = this.storedIndex(indices[k]!);
      images.set(this.pixels.subarray(j * size, (j + 1) * size), k * size);
      labels[k] = this.labels[j]!;
    }
  }

  /** Plain data to rebuild this dataset in a worker thread (the buffers are copied by postMessage). */
  toWorkerData(): ImageDatasetData {
    return { pixels: this.pixels, labels: this.labels, channels: this.channels, height: this.height, width: this.width, classNames: [...this.classNames], index: this.index };
  }

  /** Rebuilds a dataset from toWorkerData's output. */
  static fromWorkerData(d: ImageDatasetData): ImageDataset {
    return new ImageDataset(d.pixels, d.labels, d.channels, d.height, d.width, d.classNames, d.index);
  }

  /** The number of samples of each class (length = classNames.length). */
  classCounts(): Int32Array {
    const counts = new Int32Array(this.classNames.length);
    for (let i = 0; i < this.length; i++) counts[this.labels[this.index ? this.index[i]! : i]!]!++;
    return counts;
  }

  /** A compact copy: the subset's pixels in their own buffer (so the rest can be freed). */
  materialize(): ImageDataset {
    const n = this.length;
    const pixels = allocate('uint8', n * this.imageSize) as Uint8Array;
    const labels = new Int32Array(n);
    const all = new Int32Array(n);
    for (let i = 0; i < n; i++) all[i] = i;
    this.gatherInto(all, pixels, labels);
    return new ImageDataset(pixels, labels, this.channels, this.height, this.width, this.classNames);
  }
}

/** Pads every image of a CHW uint8 buffer with `pad` zero pixels on each side (used to turn 28x28 into 32x32). */
export function padImages(pixels: Uint8Array, n: number, c: number, h: number, w: number, pad: number): Uint8Array {
  const ho = h + 2 * pad;
  const wo = w + 2 * pad;
  const out = allocate('uint8', n * c * ho * wo) as Uint8Array;
  for (let p = 0; p < n * c; p++) {
    const src = p * h * w;
    const dst = p * ho * wo + pad * wo + pad;
    for (let y = 0; y < h; y++) {
      const s = src + y * w;
      const d = dst + y * wo;
      for (let x = 0; x < w; x++) out[d + x] = pixels[s + x]!;
    }
  }
  return out;
}
