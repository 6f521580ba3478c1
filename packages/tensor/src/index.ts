// @adder/tensor: typed-array n-d arrays and their kernels. Knows nothing of gradients.
export type { DType, TypedArray } from './dtype';
export { ITEMSIZE, isFloat, dtypeOf } from './dtype';
export { TensorError, fmtShape } from './errors';
export { Storage, allocate, setSharedStorage, isSharedStorage } from './storage';
export { contiguousStrides, numelOf, broadcastShapes, normalizeAxis, normalizeAxes, sameShape } from './shape';
export { NDArray, stridedOffsets, copyInto, type NestedArray } from './ndarray';
export { zeros, ones, full, zerosLike, arange, eye, fromArray, scalar } from './creation';
export * from './elementwise';
export * from './reduce';
export * from './indexing';
export { Generator, defaultGenerator, manualSeed, rand, randn, randint, permutation, type GeneratorState } from './random';
export { formatNDArray } from './print';
export { matmul, gemm, type GemmOptions } from './matmul';
