// torch.save's zip format, written: <archive>/data.pkl (an OrderedDict state dict), one record per storage at
// <archive>/data/<key>, and <archive>/version ("3", the format torch 1.13 writes), as PyTorchStreamWriter lays them out.
import { contiguousStrides, type DType, type NDArray } from '@adder/tensor';
import { writeFileAtomically } from '#files';
import { bytesOf, int32ToInt64Bytes, int64Predicate, type SafetensorsWriteOptions } from '../safetensors';
import { TorchSaveError } from './errors';
import { PickleOrderedDict, PickleTensor, writePickle, type TorchSaveStorageType } from './pickler';
import { writeStoredZip } from './zip-writer';

/** Options of the torch.save writer. */
export interface TorchSaveOptions {
  /** The int32 tensors to store as torch.int64 (LongStorage), as in saveSafetensors; default: names ending in num_batches_tracked. */
  int64Keys?: SafetensorsWriteOptions['int64Keys'];
  /** The archive's root folder (torch names it after the file); default 'archive'. */
  archiveName?: string;
}

const STORAGE_OF: Readonly<Record<DType, TorchSaveStorageType>> = { float32: 'Float', float64: 'Double', int32: 'Int', uint8: 'Byte' };

/**
 * Encodes a state dict as the bytes of a torch.save zip checkpoint that `torch.load(f, weights_only=True)` reads back
 * to an OrderedDict of CPU tensors (float32 -> torch.float32, float64 -> float64, int32 -> int32 or int64, uint8 -> uint8).
 */
export function encodeTorchCheckpoint(tensors: Record<string, NDArray>, opts: TorchSaveOptions = {}, file = '<bytes>'): Uint8Array {
  const root = opts.archiveName ?? 'archive';
  if (!/^[A-Za-z0-9_.-]+$/.test(root)) throw new TorchSaveError(file, `archiveName must be one path segment of letters, digits, '_', '.' or '-', found '${root}'`);
  const asInt64 = int64Predicate(opts.int64Keys);
  const entries: Array<[string, PickleTensor]> = [];
  const records: Array<[string, Uint8Array]> = [];
  for (const [name, arr] of Object.entries(tensors)) {
    const long = asInt64(name);
    if (long && arr.dtype !== 'int32') throw new TorchSaveError(file, `tensor '${name}' was requested as int64 but has dtype ${arr.dtype} (expected int32)`);
    const key = String(entries.length);
    const shape = [...arr.shape];
    entries.push([name, new PickleTensor(key, long ? 'Long' : STORAGE_OF[arr.dtype], arr.size, 0, shape, contiguousStrides(shape))]);
    records.push([`${root}/data/${key}`, long ? int32ToInt64Bytes(arr.toTyped() as Int32Array) : bytesOf(arr)]);
  }
  const pkl = writePickle(new PickleOrderedDict(entries), file);
  return writeStoredZip([[`${root}/data.pkl`, pkl], ...records, [`${root}/version`, new TextEncoder().encode('3\n')]], file);
}

/** Writes a state dict as a torch.save zip checkpoint at `path` (atomically: a temporary file, then a rename). */
export function saveTorchCheckpoint(path: string, tensors: Record<string, NDArray>, opts: TorchSaveOptions = {}): void {
  const archiveName = opts.archiveName ?? ((path.split(/[\\/]/).pop() ?? '').replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9_.-]/g, '_') || 'archive');
  const bytes = encodeTorchCheckpoint(tensors, { ...opts, archiveName }, path);
  try {
    writeFileAtomically(path, bytes);
  } catch (err) {
    throw new TorchSaveError(path, `could not write: ${(err as Error).message}`);
  }
}
