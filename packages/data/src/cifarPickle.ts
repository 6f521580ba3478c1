// torchvision's cifar-10-batches-py (pickled dicts of numpy arrays): read through @adder/io's safe pickle reader.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isDict, NumpyArray, numpyToNDArray, readPickle, ResourceLimitError, type PickleValue } from '@adder/io';
import { CIFAR_IMAGE_BYTES, concatRecords, partialError, type CifarRecords } from './cifarBinary';
import type { DataLimits } from './limits';
import { ImageDataset } from './dataset';
import { DataError } from './errors';
import { readFileChecked } from './files';
import type { Split } from './idx';
import { readTarGzMembers } from './tarball';

const PY_FOLDER = 'cifar-10-batches-py';

/** The pickled batch files of a split (no extension, as torchvision ships them). */
function batchNames(split: Split): string[] {
  return split === 'train' ? [1, 2, 3, 4, 5].map((k) => `data_batch_${k}`) : ['test_batch'];
}

/** Looks a key up in an unpickled dict whose keys may be str (Python 2 via latin1) or bytes (re-pickled by Python 3). */
function field(dict: Map<PickleValue, PickleValue>, key: string): PickleValue | undefined {
  for (const [k, v] of dict) {
    if (k === key) return v;
    if (k instanceof Uint8Array && Buffer.from(k).toString('latin1') === key) return v;
  }
  return undefined;
}

function unpickleDict(bytes: Uint8Array, source: string): Map<PickleValue, PickleValue> {
  let value: PickleValue;
  try {
    value = readPickle(bytes, { numpy: true, source, py2Strings: 'latin1' });
  } catch (e) {
    if (e instanceof ResourceLimitError) throw e;
    throw new DataError(source, `expected a pickled CIFAR dict, found an unreadable pickle: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!isDict(value)) throw new DataError(source, 'expected a pickled dict, found another value');
  return value;
}

/** Parses one pickled batch: `data` a uint8 numpy array (n, 3072) of CHW rows, `labels` a list of n ints in [0, 10); n must be `expectedRecords` when given. */
export function parsePickledBatch(bytes: Uint8Array, source: string, expectedRecords?: number): CifarRecords {
  const dict = unpickleDict(bytes, source);
  const data = field(dict, 'data');
  const labels = field(dict, 'labels');
  if (!(data instanceof NumpyArray)) throw new DataError(source, "expected a numpy array under 'data', found none");
  let arr;
  try {
    arr = numpyToNDArray(data, `${source} 'data'`);
  } catch (e) {
    throw new DataError(source, `expected a uint8 numpy array under 'data', found: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (arr.dtype !== 'uint8' || arr.ndim !== 2 || arr.shape[1] !== CIFAR_IMAGE_BYTES) {
    throw new DataError(source, `expected 'data' of uint8 [n, ${CIFAR_IMAGE_BYTES}], found ${arr.dtype} [${arr.shape.join(', ')}]`);
  }
  const n = arr.shape[0]!;
  if (n === 0) throw new DataError(source, 'expected at least one record, found an empty batch');
  if (expectedRecords !== undefined && n !== expectedRecords) throw partialError(source, expectedRecords, n);
  if (!Array.isArray(labels) || labels.length !== n) {
    throw new DataError(source, `expected a list of ${n} labels under 'labels', found ${Array.isArray(labels) ? `${labels.length} labels` : 'none'}`);
  }
  const label32 = new Int32Array(n);
  labels.forEach((v: PickleValue, i: number) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= 10) throw new DataError(source, `expected labels in [0, 10), found ${String(v)} at index ${i}`);
    label32[i] = v;
  });
  return { pixels: (arr.contiguous().data as Uint8Array).slice(), labels: label32, coarse: null };
}

/** Parses batches.meta: its `label_names` list of 10 strings. */
export function parsePickledMeta(bytes: Uint8Array, source: string): string[] {
  const names = field(unpickleDict(bytes, source), 'label_names');
  if (!Array.isArray(names) || names.length !== 10) throw new DataError(source, `expected 10 names under 'label_names', found ${Array.isArray(names) ? names.length : 'none'}`);
  return names.map((v: PickleValue) => (typeof v === 'string' ? v : v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : String(v)));
}

/** Options of loadCifar10Pickled. */
export interface PickledCifarOptions {
  /** Accept batches with another record count than the official 10,000 (default false). */
  allowPartial?: boolean;
  /** Resource limits on the archive (unset ones keep DEFAULT_DATA_LIMITS). */
  limits?: Partial<DataLimits>;
}

/** Loads a split from a cifar-10-batches-py folder or from cifar-10-python.tar.gz (read in place). */
export async function loadCifar10Pickled(source: string, split: Split, options: PickledCifarOptions = {}): Promise<ImageDataset> {
  const wanted = [...batchNames(split), 'batches.meta'];
  let read: (name: string) => { bytes: Uint8Array; where: string };
  if (existsSync(source) && statSync(source).isDirectory()) {
    read = (name) => ({ bytes: readFileChecked(join(source, name)), where: join(source, name) });
  } else {
    const members = await readTarGzMembers(source, (path) => wanted.some((w) => path === `${PY_FOLDER}/${w}` || path === `./${PY_FOLDER}/${w}`), options.limits);
    const byName = new Map<string, Uint8Array>();
    for (const [path, bytes] of members) byName.set(path.slice(path.lastIndexOf('/') + 1), bytes);
    read = (name) => {
      const bytes = byName.get(name);
      if (!bytes) throw new DataError(source, `expected a member ${PY_FOLDER}/${name} in the archive, found none`);
      return { bytes, where: `${source}:${PY_FOLDER}/${name}` };
    };
  }
  const records = concatRecords(batchNames(split).map((name) => {
    const { bytes, where } = read(name);
    return parsePickledBatch(bytes, where, options.allowPartial ? undefined : 10_000);
  }));
  const meta = read('batches.meta');
  return new ImageDataset(records.pixels, records.labels, 3, 32, 32, parsePickledMeta(meta.bytes, meta.where));
}
