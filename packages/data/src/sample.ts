// The bundled Fashion-MNIST sample (5,000 train + 1,000 test images, class-balanced), committed under packages/data/sample.
import { fileURLToPath } from 'node:url';
import type { ImageDataset } from './dataset';
import { loadFashionMnist, type IdxLoadOptions, type Split } from './idx';

/** The folder holding the bundled sample's gzip'ed IDX files. */
export const SAMPLE_DIR: string = fileURLToPath(new URL('../sample', import.meta.url));

/** The bundled sample's split: first 500 (train) or 100 (test) images of each Fashion-MNIST class. Pass `{ padTo: 32 }` for CIFAR-shaped models. */
export function loadSample(split: Split, options: IdxLoadOptions = {}): ImageDataset {
  return loadFashionMnist(split, SAMPLE_DIR, options);
}
