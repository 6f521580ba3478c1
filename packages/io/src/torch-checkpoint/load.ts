// loadTorchCheckpoint: reads a torch.save file (zip or legacy) into a record of named NDArrays, without Python.
import { readFileBytes } from '#files';
import type { NDArray } from '@adder/tensor';
import type { PickleValue, TorchStorageType } from '../pickle';
import { PickleError, PyObject, TorchTensorRef, isDict, describeValue } from '../pickle';
import { CheckpointError } from './errors';
import type { ParsedContainer } from './legacy-format';
import { looksLikeLegacy, parseLegacy } from './legacy-format';
import { looksLikeZip } from './zip';
import { parseZip } from './zip-format';
import { StorageTable } from './storages';

/** Options of loadTorchCheckpoint. */
export interface LoadTorchCheckpointOptions {
  /** Remove this prefix (e.g. DataParallel's 'module.') from every key that has it. */
  stripPrefix?: string;
  /** nn.Module classes of your own ('module.Name' or 'module.*') to read as inert objects in a whole pickled model. */
  inertClasses?: readonly string[];
  /** Names the data in errors when bytes are passed instead of a path. */
  name?: string;
}

/** Appends `name` to a dotted prefix. */
function join(prefix: string, name: string): string {
  return prefix ? `${prefix}.${name}` : name;
}

/** The tensors of a checkpoint plus the torch storage type each one came from (e.g. 'Long' for int64). */
export interface TorchCheckpointContent {
  tensors: Record<string, NDArray>;
  storageTypes: Record<string, TorchStorageType>;
}

/** Walks dicts and pickled nn.Modules (as state_dict does: parameters, buffers, then children) to named tensors. */
class TensorCollector {
  readonly out = new Map<string, NDArray>();
  readonly types = new Map<string, TorchStorageType>();
  constructor(
    private readonly file: string,
    private readonly table: StorageTable,
  ) {}

  private add(name: string, t: TorchTensorRef): void {
    if (this.out.has(name)) throw new CheckpointError(this.file, `tensor name '${name}' occurs twice`);
    this.out.set(name, this.table.tensor(name, t));
    this.types.set(name, t.storage.type);
  }

  private entries(owner: string, v: PickleValue | undefined): [string, PickleValue][] {
    if (v === undefined || v === null) return [];
    if (!isDict(v)) throw new CheckpointError(this.file, `${owner} should be a dict, got ${describeValue(v)}`);
    return [...v].map(([k, x]) => {
      if (typeof k !== 'string') throw new CheckpointError(this.file, `${owner} has a non-str key ${describeValue(k)}`);
      return [k, x];
    });
  }

  private module(prefix: string, m: PyObject): void {
    const attrs = m.attributes;
    const what = `module ${prefix || '(root)'} (${m.className})`;
    for (const [k, p] of this.entries(`${what}._parameters`, attrs.get('_parameters'))) {
      if (p === null) continue;
      if (!(p instanceof TorchTensorRef)) throw new CheckpointError(this.file, `${what}._parameters['${k}'] is ${describeValue(p)}, not a tensor`);
      this.add(join(prefix, k), p);
    }
    const nonPersistent = attrs.get('_non_persistent_buffers_set');
    for (const [k, b] of this.entries(`${what}._buffers`, attrs.get('_buffers'))) {
      if (b === null || (nonPersistent instanceof Set && nonPersistent.has(k))) continue;
      if (!(b instanceof TorchTensorRef)) throw new CheckpointError(this.file, `${what}._buffers['${k}'] is ${describeValue(b)}, not a tensor`);
      this.add(join(prefix, k), b);
    }
    for (const [k, child] of this.entries(`${what}._modules`, attrs.get('_modules'))) {
      if (child === null) continue;
      if (!(child instanceof PyObject)) throw new CheckpointError(this.file, `${what}._modules['${k}'] is ${describeValue(child)}, not a module`);
      this.module(join(prefix, k), child);
    }
  }

  /** Collects every tensor under `v`; non-tensor leaves (epoch counters, settings) are not tensors and are left out. */
  collect(prefix: string, v: PickleValue): void {
    if (v instanceof TorchTensorRef) this.add(prefix, v);
    else if (v instanceof PyObject && v.attributes.has('_modules')) this.module(prefix, v);
    else if (isDict(v)) for (const [k, x] of this.entries(`dict ${prefix || '(root)'}`, v)) this.collect(join(prefix, k), x);
  }
}

function parseContainer(file: string, bytes: Uint8Array, opts: LoadTorchCheckpointOptions): ParsedContainer {
  const pickleOpts = { inertClasses: opts.inertClasses ?? [] };
  if (looksLikeZip(bytes)) return parseZip(file, bytes, pickleOpts);
  if (looksLikeLegacy(bytes)) return parseLegacy(file, bytes, pickleOpts);
  const head = [...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new CheckpointError(file, `not a torch checkpoint: it starts with bytes ${head || '(empty file)'}, expected a zip (50 4b 03 04) or a pickle (80 02)`);
}

/**
 * Reads a PyTorch checkpoint (torch.save: zip or legacy format; a state dict, a dict of them, or a whole pickled
 * module) into named NDArrays. Float/Double/Int/Byte keep their type, Half and BFloat16 load as float32, Long as
 * int32 (range-checked), Bool as uint8; tensors are views (shared storages stay shared); CUDA tensors load to the CPU.
 */
export function loadTorchCheckpoint(source: string | Uint8Array, opts: LoadTorchCheckpointOptions = {}): Record<string, NDArray> {
  return readTorchCheckpoint(source, opts).tensors;
}

/** As loadTorchCheckpoint, and also reports each tensor's torch storage type (to write int64 back as I64). */
export function readTorchCheckpoint(source: string | Uint8Array, opts: LoadTorchCheckpointOptions = {}): TorchCheckpointContent {
  const file = typeof source === 'string' ? source : (opts.name ?? '<bytes>');
  let bytes: Uint8Array;
  try {
    bytes = typeof source === 'string' ? readFileBytes(source) : source;
  } catch (e) {
    throw new CheckpointError(file, `cannot read the file: ${(e as Error).message}`);
  }
  let collector: TensorCollector;
  try {
    const { root, storageBytes } = parseContainer(file, bytes, opts);
    collector = new TensorCollector(file, new StorageTable(file, storageBytes));
    collector.collect('', root);
    if (collector.out.size === 0) throw new CheckpointError(file, `no tensors found (the top-level value is ${describeValue(root)})`);
  } catch (e) {
    if (e instanceof PickleError) throw new CheckpointError(file, `${e.problem} (pickle byte ${e.position})`);
    throw e;
  }
  const prefix = opts.stripPrefix ?? '';
  const tensors = new Map<string, NDArray>();
  const storageTypes = new Map<string, TorchStorageType>();
  for (const [name, t] of collector.out) {
    const key = prefix && name.startsWith(prefix) ? name.slice(prefix.length) : name;
    if (tensors.has(key)) throw new CheckpointError(file, `stripping '${prefix}' makes the key '${key}' occur twice`);
    tensors.set(key, t);
    storageTypes.set(key, collector.types.get(name)!);
  }
  // fromEntries defines own properties, so even a key named __proto__ stays a plain entry.
  return { tensors: Object.fromEntries(tensors), storageTypes: Object.fromEntries(storageTypes) };
}
