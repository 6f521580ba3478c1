// torch.save's zip format (torch >= 1.6): <root>/data.pkl plus one stored entry per storage at <root>/data/<key>.
import type { ReadPickleOptions, TorchStorageType } from '../pickle';
import { readPickle } from '../pickle';
import { CheckpointError } from './errors';
import type { ParsedContainer } from './legacy-format';
import { parsePersistentId } from './persistent-id';
import { elementSize } from './storages';
import type { ZipEntry } from './zip';
import { ZipFormatError, readZipDirectory } from './zip';
import { latin1Decode } from '../pickle/latin1';

function wrapZip<T>(file: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ZipFormatError) throw new CheckpointError(file, e.message);
    throw e;
  }
}

/** Parses the zip format: finds `*\/data.pkl` (the root folder is named after the file) and its storages. */
export function parseZip(file: string, bytes: Uint8Array, pickleOpts: ReadPickleOptions): ParsedContainer {
  const entries = wrapZip(file, () => readZipDirectory(bytes));
  const pkls = [...entries.keys()].filter((n) => /^[^/]+\/data\.pkl$/.test(n));
  if (pkls.length === 0) throw new CheckpointError(file, `zip archive without a <root>/data.pkl entry (entries: ${[...entries.keys()].slice(0, 5).join(', ') || 'none'})`);
  if (pkls.length > 1) throw new CheckpointError(file, `zip archive with several data.pkl entries: ${pkls.join(', ')}`);
  const root = pkls[0]!.slice(0, -'data.pkl'.length);
  const order = entries.get(`${root}byteorder`);
  if (order) {
    const text = latin1Decode(wrapZip(file, () => order.read())).trim();
    if (text !== 'little') throw new CheckpointError(file, `byteorder is '${text}', only little-endian checkpoints are supported`);
  }
  const pkl = wrapZip(file, () => entries.get(pkls[0]!)!.read());
  const value = readPickle(pkl, {
    ...pickleOpts,
    source: `${file} (${pkls[0]})`,
    persistentLoad: (pid) => parsePersistentId(file, pid),
  });
  const storageBytes = (key: string, type: TorchStorageType, numel: number): Uint8Array => {
    const name = `${root}data/${key}`;
    const entry: ZipEntry | undefined = entries.get(name);
    if (!entry) throw new CheckpointError(file, `storage entry ${name} is missing from the zip`);
    const need = numel * elementSize(type);
    if (entry.size < need) throw new CheckpointError(file, `storage entry ${name} has ${entry.size} bytes, but a ${type}Storage of ${numel} elements needs ${need}`);
    return wrapZip(file, () => entry.read());
  };
  return { root: value, storageBytes };
}
