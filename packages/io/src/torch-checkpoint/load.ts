// loadTorchCheckpoint: reads a torch.save file (zip or legacy) into a record of named NDArrays, without Python.
import { readFileSync } from 'node:fs';
import type { NDArray } from '@adder/tensor';
import type { PickleValue, TorchStorageType } from '../pickle';
import { PickleError, PyObject, TorchTensorRef, isDict, describeValue } from '../pickle';
import { CheckpointError } from './errors';
import type { ParsedContainer } from './legacy-format';
import { looksLikeLegacy, parseLegacy } from './legacy-format';
import { looksLikeZip } from './zip';
import { parseZip } from './zip-format';
import { StorageTable } from './storages';
import { DEFAULT_CHECKPOINT_LIMITS, ResourceLimitError, resolveLimits, type CheckpointLimits } from '../limits';

/** Options of loadTorchCheckpoint. */
export interface LoadTorchCheckpointOptions {
  /** Remove this prefix (e.g. DataParallel's 'module.') from every key that has it. */
  stripPrefix?: string;
  /** nn.Module classes of your own ('module.Name' or 'module.*') to read as inert objects in a whole pickled model. */
  inertClasses?: readonly string[];
  /** Names the data in errors when bytes are passed instead of a path. */
  name?: string;
  /** Resource limits (pickle, nesting, view expansion, tensor count); unset ones keep DEFAULT_CHECKPOINT_LIMITS. */
  limits?: Partial<CheckpointLimits>;
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

/** A key path for messages: long ones (deep nesting) keep their two ends. */
function shortKey(path: string): string {
  return path.length <= 120 ? path || '(root)' : `${path.slice(0, 60)}...${path.slice(-50)} (${path.length} characters)`;
}

/** One step of the walk: enter a value under a name, or leave a container (to mark it on the path / tensor-free). */
type WalkTask =
  | { kind: 'value'; name: string; value: PickleValue; depth: number }
  | { kind: 'module'; name: string; module: PyObject; depth: number }
  | { kind: 'leave'; container: object; namesBefore: number };

/**
 * Walks dicts and pickled nn.Modules (as state_dict does: parameters, buffers, then children) to named tensors,
 * iteratively (no recursion, so any nesting is bounded by maxDepth, not by the call stack). A container on the
 * current path (a cycle, d['self'] = d) is not entered again, as its tensors are already named; a container
 * shared under several names yields its tensors under each (torch.load keeps the sharing), except that one
 * known to hold no tensor is skipped at once, so shared tensor-free containers cost nothing.
 */
class TensorCollector {
  readonly out = new Map<string, NDArray>();
  readonly types = new Map<string, TorchStorageType>();
  private readonly onPath = new Set<object>();
  private readonly tensorFree = new Set<object>();
  private steps = 0;
  constructor(
    private readonly file: string,
    private readonly table: StorageTable,
    private readonly limits: CheckpointLimits,
  ) {}

  private add(name: string, t: TorchTensorRef): void {
    if (this.out.has(name)) throw new CheckpointError(this.file, `tensor name '${name}' occurs twice`);
    if (this.out.size >= this.limits.maxTensors) {
      throw new ResourceLimitError(this.file, `tensor '${shortKey(name)}'`, 'maxTensors', this.limits.maxTensors, `more than ${this.limits.maxTensors} tensor names`);
    }
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

  /** True when the container should be entered now (not a cycle, not known to be tensor-free); then marks it on the path. */
  private enter(c: object, name: string, depth: number, tasks: WalkTask[]): boolean {
    if (this.onPath.has(c) || this.tensorFree.has(c)) return false;
    if (depth > this.limits.maxDepth) {
      throw new ResourceLimitError(this.file, `key '${shortKey(name)}'`, 'maxDepth', this.limits.maxDepth, `containers nested more than ${this.limits.maxDepth} deep`);
    }
    this.onPath.add(c);
    tasks.push({ kind: 'leave', container: c, namesBefore: this.out.size });
    return true;
  }

  private module(prefix: string, m: PyObject, depth: number, tasks: WalkTask[]): void {
    if (!this.enter(m, prefix, depth, tasks)) return;
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
    const children = this.entries(`${what}._modules`, attrs.get('_modules'));
    for (let i = children.length - 1; i >= 0; i--) {
      const [k, child] = children[i]!;
      if (child === null) continue;
      if (!(child instanceof PyObject)) throw new CheckpointError(this.file, `${what}._modules['${k}'] is ${describeValue(child)}, not a module`);
      tasks.push({ kind: 'module', name: join(prefix, k), module: child, depth: depth + 1 });
    }
  }

  /** Collects every tensor under `root`; non-tensor leaves (epoch counters, settings) are not tensors and are left out. */
  collect(root: PickleValue): void {
    const tasks: WalkTask[] = [{ kind: 'value', name: '', value: root, depth: 0 }];
    for (let task = tasks.pop(); task !== undefined; task = tasks.pop()) {
      if (++this.steps > this.limits.maxObjects) {
        throw new ResourceLimitError(this.file, 'the tensor walk', 'maxObjects', this.limits.maxObjects, `more than ${this.limits.maxObjects} values visited (containers shared under many names)`);
      }
      if (task.kind === 'leave') {
        this.onPath.delete(task.container);
        if (this.out.size === task.namesBefore) this.tensorFree.add(task.container);
        continue;
      }
      if (task.kind === 'module') {
        this.module(task.name, task.module, task.depth, tasks);
        continue;
      }
      const { name, value: v, depth } = task;
      if (v instanceof TorchTensorRef) this.add(name, v);
      else if (v instanceof PyObject && v.attributes.has('_modules')) this.module(name, v, depth, tasks);
      else if (isDict(v) && this.enter(v, name, depth, tasks)) {
        const items = this.entries(`dict ${name || '(root)'}`, v);
        for (let i = items.length - 1; i >= 0; i--) tasks.push({ kind: 'value', name: join(name, items[i]![0]), value: items[i]![1], depth: depth + 1 });
      }
    }
  }
}

function parseContainer(file: string, bytes: Uint8Array, opts: LoadTorchCheckpointOptions, limits: CheckpointLimits): ParsedContainer {
  const { maxMemoEntries, maxObjects, maxIntDigits } = limits;
  const pickleOpts = { inertClasses: opts.inertClasses ?? [], limits: { maxMemoEntries, maxObjects, maxIntDigits } };
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
    if (typeof source === 'string') {
      const buf = readFileSync(source);
      bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    } else bytes = source;
  } catch (e) {
    throw new CheckpointError(file, `cannot read the file: ${(e as Error).message}`);
  }
  const limits = resolveLimits(DEFAULT_CHECKPOINT_LIMITS, opts.limits, `loadTorchCheckpoint ${file}`);
  let collector: TensorCollector;
  try {
    const { root, storageBytes } = parseContainer(file, bytes, opts, limits);
    collector = new TensorCollector(file, new StorageTable(file, storageBytes, limits), limits);
    collector.collect(root);
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
