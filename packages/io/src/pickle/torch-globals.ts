// torch's globals in the allow-list: storage types (inert markers) and the tensor rebuilders (inert references).
import type { GlobalHandler, PickleExtension, PickleValue } from './values';
import { PyGlobal, describeValue } from './values';
import { BuilderError } from './builder-error';

/** The storage element types torch pickles, by the name of their storage class (FloatStorage -> 'Float'). */
export type TorchStorageType = 'Float' | 'Double' | 'Half' | 'BFloat16' | 'Long' | 'Int' | 'Short' | 'Char' | 'Byte' | 'Bool';

/** Bytes per element of each storage type (LongStorage is always 8, whatever a legacy header says). */
export const TORCH_ELEMENT_SIZE: Readonly<Record<TorchStorageType, number>> = {
  Float: 4,
  Double: 8,
  Half: 2,
  BFloat16: 2,
  Long: 8,
  Int: 4,
  Short: 2,
  Char: 1,
  Byte: 1,
  Bool: 1,
};

const STORAGE_TYPES = Object.keys(TORCH_ELEMENT_SIZE) as TorchStorageType[];

/** A storage named by a persistent id: its type, its key in the file, where it lived and its element count. */
export class TorchStorageRef implements PickleExtension {
  readonly pickleKind = 'torch.Storage';
  constructor(
    readonly type: TorchStorageType,
    readonly key: string,
    readonly location: string,
    readonly numel: number,
    /** For legacy storage views: the element offset into the root storage `key`. */
    readonly viewOffset = 0,
  ) {}
}

/** A tensor as `_rebuild_tensor_v2` describes it: a strided view of a storage. No data is read here. */
export class TorchTensorRef implements PickleExtension {
  readonly pickleKind = 'torch.Tensor';
  constructor(
    readonly storage: TorchStorageRef,
    readonly storageOffset: number,
    readonly size: readonly number[],
    readonly stride: readonly number[],
    readonly requiresGrad: boolean,
    /** True when it came through `_rebuild_parameter` (an nn.Parameter). */
    readonly isParameter = false,
  ) {}
}

/** The storage type of a `torch.XStorage` global, or undefined for any other value. */
export function storageTypeOf(v: PickleValue): TorchStorageType | undefined {
  if (!(v instanceof PyGlobal) || v.module !== 'torch' || !v.name.endsWith('Storage')) return undefined;
  const t = v.name.slice(0, -'Storage'.length);
  return (STORAGE_TYPES as string[]).includes(t) ? (t as TorchStorageType) : undefined;
}

function intList(what: string, v: PickleValue | undefined): number[] {
  if (!Array.isArray(v)) throw new BuilderError(`${what} must be a tuple of ints, got ${v === undefined ? 'nothing' : describeValue(v)}`);
  return v.map((x) => {
    if (typeof x !== 'number' || !Number.isInteger(x) || x < 0) {
      throw new BuilderError(`${what} must hold non-negative ints, got ${describeValue(x)} ${String(x)}`);
    }
    return x;
  });
}

function rebuildTensor(args: readonly PickleValue[], isParameter: boolean): TorchTensorRef {
  const [storage, offset, size, stride, requiresGrad] = args;
  if (!(storage instanceof TorchStorageRef)) {
    throw new BuilderError(`_rebuild_tensor_v2 expects a storage (a persistent id) first, got ${storage === undefined ? 'nothing' : describeValue(storage)}`);
  }
  if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) {
    throw new BuilderError(`_rebuild_tensor_v2 expects a non-negative int storage offset, got ${String(offset)}`);
  }
  const sz = intList('_rebuild_tensor_v2 size', size);
  const st = intList('_rebuild_tensor_v2 stride', stride);
  if (sz.length !== st.length) throw new BuilderError(`_rebuild_tensor_v2 size [${sz}] and stride [${st}] differ in length`);
  return new TorchTensorRef(storage, offset, sz, st, requiresGrad === true, isParameter);
}

function rebuildParameter(args: readonly PickleValue[]): TorchTensorRef {
  const [data, requiresGrad] = args;
  if (!(data instanceof TorchTensorRef)) {
    throw new BuilderError(`_rebuild_parameter expects a tensor, got ${data === undefined ? 'nothing' : describeValue(data)}`);
  }
  return new TorchTensorRef(data.storage, data.storageOffset, data.size, data.stride, requiresGrad === true, true);
}

/** torch's globals: storage classes are inert markers; rebuilders return TorchTensorRef descriptions. */
export const TORCH_GLOBALS: Record<string, GlobalHandler> = {
  ...Object.fromEntries(STORAGE_TYPES.map((t) => [`torch.${t}Storage`, {}])),
  'torch._utils._rebuild_tensor_v2': { call: (args) => rebuildTensor(args, false) },
  'torch._utils._rebuild_parameter': { call: rebuildParameter },
  // torch >= 1.13 for parameters that carry extra Python state (the state is not needed for the values).
  'torch._utils._rebuild_parameter_with_state': { call: rebuildParameter },
};
