// Parses the persistent ids torch.save writes: ('storage', type, key, location, numel[, view]) and ('module', cls, ...).
import type { PickleValue } from '../pickle';
import { TorchStorageRef, describeValue, storageTypeOf } from '../pickle';
import { CheckpointError } from './errors';

/**
 * Resolves one persistent id into a TorchStorageRef (any location, e.g. cuda:0, loads to the CPU), or, for
 * the legacy format's ('module', class, source file, source), into the class global itself (never its source).
 */
export function parsePersistentId(file: string, pid: PickleValue): PickleValue {
  if (!Array.isArray(pid) || pid.length < 2) throw new CheckpointError(file, `persistent id must be a tuple, got ${describeValue(pid)}`);
  const [kind, ...rest] = pid;
  if (kind === 'module') return rest[0]!;
  if (kind !== 'storage') throw new CheckpointError(file, `unknown persistent id kind ${String(kind)}`);
  const [typeGlobal, key, location, numel, view] = rest;
  const type = storageTypeOf(typeGlobal ?? null);
  if (!type) throw new CheckpointError(file, `persistent id names ${describeValue(typeGlobal ?? null)}, not a supported torch storage type`);
  if (typeof key !== 'string') throw new CheckpointError(file, `persistent id storage key must be a str, got ${describeValue(key ?? null)}`);
  if (typeof location !== 'string') throw new CheckpointError(file, `storage ${key}: location must be a str`);
  if (typeof numel !== 'number' || !Number.isInteger(numel) || numel < 0) {
    throw new CheckpointError(file, `storage ${key}: element count must be a non-negative int, got ${String(numel)}`);
  }
  if (view !== undefined && view !== null) {
    // Legacy storage views: (view_key, offset, view_size) into the root storage `key`.
    const [, offset, size] = Array.isArray(view) ? view : [];
    const isCount = (x: PickleValue | undefined): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
    if (!isCount(offset) || !isCount(size)) {
      throw new CheckpointError(file, `storage ${key}: a legacy storage view must be (key, offset, size) with non-negative int offset and size, got ${Array.isArray(view) ? `(${view.map(String).join(', ')})` : describeValue(view)}`);
    }
    if (offset + size > numel) throw new CheckpointError(file, `storage ${key}: the view of ${size} elements at offset ${offset} runs past the root storage's ${numel} elements`);
    return new TorchStorageRef(type, key, location, numel, offset);
  }
  return new TorchStorageRef(type, key, location, numel);
}
