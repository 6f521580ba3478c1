// The IDX format of MNIST and Fashion-MNIST (raw or .gz): magic, big-endian dims, then unsigned bytes.
import { DataError } from './errors';
import { ImageDataset, padImages } from './dataset';
import { ResourceLimitError } from '@adder/io';
import { findFile, gunzipChecked, gunzipHead, isGzip, readFileChecked, requireFolder } from './files';
import { DEFAULT_DATA_LIMITS, type DataLimits } from './limits';

/** IDX magic of a ubyte image file (type 0x08, 3 dims) and of a ubyte label file (type 0x08, 1 dim). */
export const IDX_IMAGES_MAGIC = 0x00000803;
/** IDX magic of a label file. */
export const IDX_LABELS_MAGIC = 0x00000801;

/** A parsed IDX ubyte array: its dims and its bytes. */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/** The byte size an IDX header implies (header + product of dims), after checking its magic; `buf` holds at least the header. */
export function idxSizeFromHeader(buf: Uint8Array, file: string, expectedMagic: number): number {
  const { headerBytes, dims } = parseIdxHeader(buf, file, expectedMagic);
  return headerBytes + dims.reduce((a, b) => a * b, 1);
}

function parseIdxHeader(buf: Uint8Array, file: string, expectedMagic: number): { headerBytes: number; dims: number[] } {
  if (buf.length < 4) throw new DataError(file, `expected an IDX header of at least 4 bytes, found ${buf.length} bytes`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magic = view.getUint32(0, false);
  if (magic !== expectedMagic) {
    throw new DataError(file, `expected IDX magic 0x${expectedMagic.toString(16).padStart(8, '0')}, found 0x${magic.toString(16).padStart(8, '0')}`);
  }
  const ndim = magic & 0xff;
  const headerBytes = 4 + 4 * ndim;
  if (buf.length < headerBytes) throw new DataError(file, `expected a ${headerBytes}-byte IDX header, found ${buf.length} bytes`);
  const dims: number[] = [];
  for (let d = 0; d < ndim; d++) dims.push(view.getUint32(4 + 4 * d, false));
  return { headerBytes, dims };
}

/** Parses an IDX ubyte buffer, checking the magic, the dims and that the size matches exactly. */
export function parseIdx(buf: Uint8Array, file: string, expectedMagic: number): IdxArray {
  const { headerBytes, dims } = parseIdxHeader(buf, file, expectedMagic);
  const count = dims.reduce((a, b) => a * b, 1);
  if (buf.length !== headerBytes + count) {
    throw new DataError(file, `expected ${headerBytes + count} bytes for dims [${dims.join(', ')}], found ${buf.length}`);
  }
  return { dims, data: buf.subarray(headerBytes) };
}

/** Options of the IDX dataset loaders. */
export interface IdxLoadOptions {
  /** Pad images with zeros up to this square size (e.g. 32, so that CIFAR ResNets apply with inChannels 1). */
  padTo?: number;
  /** Class names (default: the ten Fashion-MNIST ones); every label must be below their count. */
  classNames?: readonly string[];
  /** Resource limits on the files (unset ones keep DEFAULT_DATA_LIMITS). */
  limits?: Partial<DataLimits>;
}

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

/** The ten Fashion-MNIST class names, by label. */
export const FASHION_MNIST_CLASSES: readonly string[] = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

/** Loads an image IDX file and a label IDX file into a dataset, checking that their counts agree. */
export function loadIdxPair(imagesFile: string, labelsFile: string, options: IdxLoadOptions = {}): ImageDataset {
  const images = readIdxFile(imagesFile, IDX_IMAGES_MAGIC, options.limits);
  const labels = readIdxFile(labelsFile, IDX_LABELS_MAGIC, options.limits);
  const [n, h, w] = images.dims as [number, number, number];
  const nl = labels.dims[0]!;
  if (n !== nl) throw new DataError(labelsFile, `expected ${n} labels (the image count of ${imagesFile}), found ${nl}`);
  if (n === 0) throw new DataError(imagesFile, 'expected at least one image, found an empty split (0 images)');
  const classNames = options.classNames ?? FASHION_MNIST_CLASSES;
  const label32 = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = labels.data[i]!;
    if (label >= classNames.length) throw new DataError(labelsFile, `expected labels below ${classNames.length}, found ${label} at index ${i}`);
    label32[i] = label;
  }
  let pixels: Uint8Array = images.data;
  let height = h;
  let width = w;
  if (options.padTo !== undefined && options.padTo > h) {
    if (h !== w || (options.padTo - h) % 2 !== 0) throw new DataError(imagesFile, `expected square images padding evenly to ${options.padTo}, found ${h}x${w}`);
    pixels = padImages(images.data, n, 1, h, w, (options.padTo - h) / 2);
    height = options.padTo;
    width = options.padTo;
  } else {
    pixels = images.data.slice();
  }
  return new ImageDataset(pixels, label32, 1, height, width, classNames);
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
