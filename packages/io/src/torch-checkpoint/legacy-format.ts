// torch.save's legacy (pre-1.6) stream: magic, protocol, sys-info and main pickles, storage keys, raw storages.
import type { PickleValue, ReadPickleOptions, TorchStorageType } from '../pickle';
import { TorchStorageRef, readPickleAt, isDict } from '../pickle';
import { CheckpointError } from './errors';
import { parsePersistentId } from './persistent-id';
import type { StorageBytesSource } from './storages';
import { elementSize } from './storages';

const MAGIC = 0x1950a86a20f9469cfc6cn;
const PROTOCOL_VERSION = 1001;

/** The main pickle's value and where each storage's bytes lie in the stream. */
export interface ParsedContainer {
  root: PickleValue;
  storageBytes: StorageBytesSource;
}

/** True when the bytes start like a pickle (PROTO 2), as the legacy format does. */
export function looksLikeLegacy(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x80 && bytes[1] === 0x02;
}

/** Parses the legacy format; every storage record is located and size-checked before anything is returned. */
export function parseLegacy(file: string, bytes: Uint8Array, pickleOpts: ReadPickleOptions): ParsedContainer {
  const opts: ReadPickleOptions = { ...pickleOpts, source: file };
  const magic = readPickleAt(bytes, 0, opts);
  if (magic.value !== MAGIC) throw new CheckpointError(file, `not a torch legacy file: magic number ${String(magic.value)}, expected ${MAGIC}`);
  const proto = readPickleAt(bytes, magic.end, opts);
  if (proto.value !== PROTOCOL_VERSION) throw new CheckpointError(file, `unsupported legacy protocol version ${String(proto.value)}, expected ${PROTOCOL_VERSION}`);
  const sysInfo = readPickleAt(bytes, proto.end, opts);
  if (isDict(sysInfo.value) && sysInfo.value.get('little_endian') === false) {
    throw new CheckpointError(file, 'the file was written on a big-endian machine, which is not supported');
  }
  // Storage refs by key, as the main pickle's persistent ids declare them.
  const declared = new Map<string, TorchStorageRef>();
  const main = readPickleAt(bytes, sysInfo.end, {
    ...opts,
    persistentLoad(pid) {
      const v = parsePersistentId(file, pid);
      if (v instanceof TorchStorageRef && !declared.has(v.key)) declared.set(v.key, v);
      return v;
    },
  });
  const keys = readPickleAt(bytes, main.end, opts);
  if (!Array.isArray(keys.value) || !keys.value.every((k) => typeof k === 'string')) {
    throw new CheckpointError(file, 'the storage-key list after the main pickle is not a list of str');
  }
  // Each storage: int64 little-endian element count, then count * element-size bytes.
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const located = new Map<string, Uint8Array>();
  let pos = keys.end;
  for (const key of keys.value as string[]) {
    const ref = declared.get(key);
    if (!ref) throw new CheckpointError(file, `storage key ${key} is listed but no tensor refers to it`);
    if (pos + 8 > bytes.length) throw new CheckpointError(file, `truncated: storage ${key}'s element count at byte ${pos} is past the end (${bytes.length} bytes)`);
    const count = Number(view.getBigInt64(pos, true));
    pos += 8;
    if (count !== ref.numel) throw new CheckpointError(file, `storage ${key} records ${count} elements but its persistent id declares ${ref.numel}`);
    const n = count * elementSize(ref.type);
    if (pos + n > bytes.length) {
      throw new CheckpointError(file, `truncated: storage ${key} (${ref.type}Storage of ${count}) needs ${n} bytes at byte ${pos}, the file ends at byte ${bytes.length}`);
    }
    located.set(key, bytes.subarray(pos, pos + n));
    pos += n;
  }
  for (const key of declared.keys()) {
    if (!located.has(key)) throw new CheckpointError(file, `storage ${key} is referenced but missing from the storage-key list`);
  }
  const storageBytes = (key: string, _type: TorchStorageType, _numel: number): Uint8Array => located.get(key)!;
  return { root: main.value, storageBytes };
}
