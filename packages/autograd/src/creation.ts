// Creating Tensors: from nested arrays or typed arrays, wrapping NDArrays, and the filled/random factories.
import * as K from '@adder/tensor';
import type { DType, Generator, NDArray, NestedArray, TypedArray } from '@adder/tensor';
import { Tensor } from './tensor';

/** Options of the tensor factories. */
export interface TensorOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}
/** Options of tensor(): a typed array also needs its shape. */
export interface TensorDataOptions extends TensorOptions {
  shape?: readonly number[];
}
/** Options of the random factories. */
export interface RandomOptions extends TensorOptions {
  generator?: Generator;
}

/** A leaf tensor from nested arrays, or from a typed array plus `shape` (copied; cast when dtype differs). */
export function tensor(data: NestedArray | TypedArray | readonly number[], opts: TensorDataOptions = {}): Tensor {
  let arr: NDArray;
  if (ArrayBuffer.isView(data)) {
    const typed = data as TypedArray;
    arr = K.fromArray(typed, opts.shape ?? [typed.length]);
    if (opts.dtype !== undefined && opts.dtype !== arr.dtype) arr = arr.cast(opts.dtype);
  } else {
    arr = K.fromArray(data as NestedArray, opts.dtype ?? 'float32');
    if (opts.shape !== undefined) arr = arr.reshape(opts.shape);
  }
  return new Tensor(arr, opts.requiresGrad ?? false);
}

/** Wraps an NDArray as a leaf tensor without copying. */
export function fromNDArray(a: NDArray, requiresGrad = false): Tensor {
  return new Tensor(a, requiresGrad);
}
/** A zero-filled leaf tensor. */
export function zeros(shape: readonly number[], opts: TensorOptions = {}): Tensor {
  return new Tensor(K.zeros(shape, opts.dtype ?? 'float32'), opts.requiresGrad ?? false);
}
/** A leaf tensor of ones. */
export function ones(shape: readonly number[], opts: TensorOptions = {}): Tensor {
  return new Tensor(K.ones(shape, opts.dtype ?? 'float32'), opts.requiresGrad ?? false);
}
/** A leaf tensor filled with `value`. */
export function full(shape: readonly number[], value: number, opts: TensorOptions = {}): Tensor {
  return new Tensor(K.full(shape, value, opts.dtype ?? 'float32'), opts.requiresGrad ?? false);
}
/** Standard-normal leaf tensor (seeded through the tensor package's generators). */
export function randn(shape: readonly number[], opts: RandomOptions = {}): Tensor {
  const a = K.randn(shape, { dtype: opts.dtype ?? 'float32', ...(opts.generator ? { generator: opts.generator } : {}) });
  return new Tensor(a, opts.requiresGrad ?? false);
}
/** Uniform [0, 1) leaf tensor. */
export function rand(shape: readonly number[], opts: RandomOptions = {}): Tensor {
  const a = K.rand(shape, { dtype: opts.dtype ?? 'float32', ...(opts.generator ? { generator: opts.generator } : {}) });
  return new Tensor(a, opts.requiresGrad ?? false);
}
