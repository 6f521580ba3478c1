// A synthetic dataset: sinusoidal gratings whose orientation is the class, with random phase, contrast and noise (seeded).
import { allocate, Generator } from '@adder/tensor';
import { ImageDataset } from './dataset';
import { DataError } from './errors';

/** Options of syntheticDataset. */
export interface SyntheticOptions {
  /** Number of images (default 1,000). */
  length?: number;
  /** Number of classes = grating orientations evenly spread over 180 degrees (default 4). */
  numClasses?: number;
  /** Channels (default 3, so CIFAR models apply unchanged). */
  channels?: number;
  /** Square image size (default 32). */
  size?: number;
  /** Seed of every random choice (default 0). */
  seed?: number;
  /** Std of the added pixel noise, in pixel units (default 25). */
  noise?: number;
}

/** Gratings oriented at k*180/numClasses degrees for class k (labels cycle 0..k-1), which a small network learns in seconds. */
export function syntheticDataset(options: SyntheticOptions = {}): ImageDataset {
  const n = options.length ?? 1000;
  const k = options.numClasses ?? 4;
  const c = options.channels ?? 3;
  const size = options.size ?? 32;
  const noise = options.noise ?? 25;
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(k) || k < 2 || k > 180) {
    throw new DataError('syntheticDataset', `expected length >= 1 and 2 <= numClasses <= 180, found ${n} and ${k}`);
  }
  const gen = new Generator(options.seed ?? 0);
  const pixels = allocate('uint8', n * c * size * size) as Uint8Array;
  const labels = new Int32Array(n);
  const gains = new Float64Array(c);
  for (let i = 0; i < n; i++) {
    const label = i % k;
    labels[i] = label;
    const angle = (label * Math.PI) / k;
    const freq = (2 * Math.PI) / (5 + 3 * gen.random()); // a period of 5 to 8 pixels
    const fx = freq * Math.cos(angle);
    const fy = freq * Math.sin(angle);
    const phase = 2 * Math.PI * gen.random();
    const contrast = 60 + 40 * gen.random();
    const brightness = 100 + 56 * gen.random();
    for (let ch = 0; ch < c; ch++) gains[ch] = 0.7 + 0.6 * gen.random();
    for (let ch = 0; ch < c; ch++) {
      const plane = (i * c + ch) * size * size;
      const amp = contrast * gains[ch]!;
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          const v = brightness + amp * Math.sin(fx * x + fy * y + phase) + noise * gen.normal();
          pixels[plane + y * size + x] = v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
        }
      }
    }
  }
  const classNames = Array.from({ length: k }, (_, j) => `grating-${Math.round((j * 180) / k)}deg`);
  return new ImageDataset(pixels, labels, c, size, size, classNames);
}
