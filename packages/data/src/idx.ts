// The IDX files of MNIST and Fashion-MNIST (raw or .gz) on disk; the format itself is in idx-format.ts.
import { DataError } from './errors';
import { ResourceLimitError } from '@adder/io';
import type { ImageDataset } from './dataset';
import { findFile, gunzipChecked, gunzipHead, isGzip, readFileChecked, requireFolder } from './files';
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, idxPairToDataset, idxSizeFromHeader, parseIdx, type IdxArray, type IdxLoadOptions } from './idx-format';
import { DEFAULT_DATA_LIMITS, type DataLimits } from './limits';

export { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, FASHION_MNIST_CLASSES, parseIdx, idxSizeFromHeader, idxPairToDataset, type IdxArray, type IdxLoadOptions } from './idx-format';

/**
 * Reads an IDX file, raw or gzip'ed. A gzip'ed one is inflated only up to the size its header implies (checked
 * against maxDecompressedBytes first), so a small file that inflates to gigabytes is refused after that many bytes.
 */
export function readIdxFile(file: string, expectedMagic: number, limits: Partial<DataLimits> = {}): IdxArray {
  const raw = readFileChecked(file);
  if (!isGzip(raw)) return parseIdx(raw, file, expectedMagic);
  const maxBytes = limits.maxDecompressedBytes ?? DEFAULT_DATA_LIMITS.maxDecompressedBytes;
  const implied = idxSizeFromHeader(gunzipHead(raw, file, 4 + 4 * (expectedMagic & 0xff)), file, expectedMagic);
  if (implied > maxBytes) {
    throw new ResourceLimitError(file, 'IDX header', 'maxDecompressedBytes', maxBytes, `the dims imply ${implied} bytes`);
  }
  const data = gunzipChecked(raw, file, { maxBytes: implied, limit: 'the size its IDX header implies', howToRaise: '' });
  return parseIdx(data, file, expectedMagic);
}

/** Loads an image IDX file and a label IDX file into a dataset, checking that their counts agree. */
export function loadIdxPair(imagesFile: string, labelsFile: string, options: IdxLoadOptions = {}): ImageDataset {
  const images = readIdxFile(imagesFile, IDX_IMAGES_MAGIC, options.limits);
  const labels = readIdxFile(labelsFile, IDX_LABELS_MAGIC, options.limits);
  return idxPairToDataset(images, labels, imagesFile, labelsFile, options);
}

/** Where Debian's dataset-fashion-mnist package installs the files. */
export const DEBIAN_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** A dataset split. */
export type Split = 'train' | 'test';

/** IDX file stems of a split (the `.gz` form is found as well). */
export function idxFileNames(split: Split): { images: string; labels: string } {
  const stem = split === 'train' ? 'train' : 't10k';
  return { images: `${stem}-images-idx3-ubyte`, labels: `${stem}-labels-idx1-ubyte` };
}

/** Loads MNIST-style IDX files of a split from a folder (default: Debian's Fashion-MNIST folder). */
export function loadFashionMnist(split: Split, root: string = DEBIAN_FASHION_MNIST_DIR, options: IdxLoadOptions = {}): ImageDataset {
  requireFolder(root, `Fashion-MNIST IDX files (install Debian's dataset-fashion-mnist, or use loadSample)`);
  const names = idxFileNames(split);
  const images = findFile(root, [names.images, names.images.replace('-idx3-', '.idx3-')]);
  const labels = findFile(root, [names.labels, names.labels.replace('-idx1-', '.idx1-')]);
  if (!images) throw new DataError(root, `expected ${names.images}[.gz] in this folder, found none`);
  if (!labels) throw new DataError(root, `expected ${names.labels}[.gz] in this folder, found none`);
  return loadIdxPair(images, labels, options);
}
