// Every tensor buffer is allocated here, so that one switch can back them with SharedArrayBuffer
// (for worker threads) without touching the kernels.
import type { DType, TypedArray } from './dtype';
import { ITEMSIZE, dtypeOf } from './dtype';
import { TensorError } from './errors';

let useShared = false;

/** Back new buffers with SharedArrayBuffer (true) or ordinary ArrayBuffer (false). */
export function setSharedStorage(shared: boolean): void {
  useShared = shared;
}

/** Whether new buffers are SharedArrayBuffer-backed. */
export function isSharedStorage(): boolean {
  return useShared;
}

/** Allocates a zero-filled typed array of `length` elements of `dtype`. */
export function allocate(dtype: DType, length: number): TypedArray {
  const bytes = length * ITEMSIZE[dtype];
  const buffer = useShared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  switch (dtype) {
    case 'float32':
      return new Float32Array(buffer);
    case 'float64':
      return new Float64Array(buffer);
    case 'int32':
      return new Int32Array(buffer);
    case 'uint8':
      return new Uint8Array(buffer);
  }
}

/**
 * A buffer plus a version counter. Views share one Storage; every in-place write bumps
 * `version`, which autograd uses to detect a saved tensor that was modified (as PyTorch does).
 */
export class Storage {
  version = 0;
  constructor(
    readonly data: TypedArray,
    readonly dtype: DType,
  ) {
    if (dtypeOf(data) !== dtype) throw new TensorError('Storage', `a ${dtypeOf(data)} buffer cannot hold dtype ${dtype}`);
  }
  /** A zero-filled storage of `length` elements (the one allocation path). */
  static alloc(dtype: DType, length: number): Storage {
    return new Storage(allocate(dtype, length), dtype);
  }
}
