// Turns storage references into decoded tensor-package Storages, and tensor references into strided NDArrays.
import { NDArray, Storage, dtypeOf } from '@adder/tensor';
import type { ElementFormat, TorchStorageRef, TorchStorageType, TorchTensorRef } from '../pickle';
import { ElementRangeError, TORCH_ELEMENT_SIZE, decodeElements } from '../pickle';
import { CheckpointError } from './errors';
import { ResourceLimitError, type TensorLimits } from '../limits';

const STORAGE_FORMAT: Readonly<Record<TorchStorageType, ElementFormat>> = {
  Float: 'f4', Double: 'f8', Half: 'f2', BFloat16: 'bf16', Long: 'i8', Int: 'i4', Short: 'i2', Char: 'i1', Byte: 'u1', Bool: 'b1',
};

/** Where a container format keeps a storage's raw bytes: returns at least numel * element-size bytes or throws. */
export type StorageBytesSource = (key: string, type: TorchStorageType, numel: number) => Uint8Array;

/** Decodes each storage once (shared storages stay shared) and builds tensor views over them. */
export class StorageTable {
  private readonly decoded = new Map<string, { type: TorchStorageType; storage: Storage; numel: number }>();
  constructor(
    private readonly file: string,
    private readonly source: StorageBytesSource,
    private readonly limits: TensorLimits,
  ) {}

  private storageOf(ref: TorchStorageRef): { storage: Storage; numel: number } {
    const have = this.decoded.get(ref.key);
    if (have) {
      if (have.type !== ref.type) {
        throw new CheckpointError(this.file, `storage ${ref.key} is used as both ${have.type}Storage and ${ref.type}Storage`);
      }
      return have;
    }
    const bytes = this.source(ref.key, ref.type, ref.numel);
    let data;
    try {
      data = decodeElements(bytes, STORAGE_FORMAT[ref.type], ref.numel, true);
    } catch (e) {
      if (e instanceof ElementRangeError) throw new CheckpointError(this.file, `${ref.type}Storage ${ref.key}: ${e.message}`);
      throw e;
    }
    const entry = { type: ref.type, storage: new Storage(data, dtypeOf(data)), numel: ref.numel };
    this.decoded.set(ref.key, entry);
    return entry;
  }

  /** The tensor `name` as an NDArray view (offset, size, stride as pickled) over its decoded storage. */
  tensor(name: string, t: TorchTensorRef): NDArray {
    // The logical size is checked before the storage is decoded: a stride-0 view of 2^34 elements is refused, not built.
    const logical = t.size.reduce((a, b) => a * b, 1);
    const cap = Math.max(t.storage.numel, 1) * this.limits.maxViewExpansion;
    if (logical > cap) {
      throw new ResourceLimitError(
        this.file, `tensor '${name}'`, 'maxViewExpansion', this.limits.maxViewExpansion,
        `size [${t.size}] (${logical} elements) views a ${t.storage.type}Storage of ${t.storage.numel} elements, more than ${this.limits.maxViewExpansion} times its size`,
      );
    }
    const { storage, numel } = this.storageOf(t.storage);
    const offset = t.storageOffset + t.storage.viewOffset;
    // The last element a strided view touches is offset + sum_i (size_i - 1) * stride_i.
    let last = offset;
    let empty = false;
    for (let i = 0; i < t.size.length; i++) {
      if (t.size[i] === 0) empty = true;
      last += (t.size[i]! - 1) * t.stride[i]!;
    }
    if (!empty && last >= numel) {
      throw new CheckpointError(
        this.file,
        `tensor '${name}' (size [${t.size}], stride [${t.stride}], offset ${offset}) needs ${last + 1} elements ` +
          `but its ${t.storage.type}Storage ${t.storage.key} holds only ${numel}`,
      );
    }
    return new NDArray(storage, t.size, t.stride, offset);
  }
}

/** Bytes per element of a storage type. */
export function elementSize(type: TorchStorageType): number {
  return TORCH_ELEMENT_SIZE[type];
}
