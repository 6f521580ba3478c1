// The safe pickle reader's public surface.
export { readPickle, readPickleAt, type ReadPickleOptions, type PickleReadResult } from './unpickler';
export { PickleError } from './errors';
export { OPCODES, OPCODE_BY_CODE, OP, type OpcodeInfo } from './opcodes';
export { resolveGlobal, isTorchModuleClass, type AllowListOptions } from './globals';
export {
  PyGlobal, PyObject, PyOrderedDict, isTuple, isDict, describeValue,
  type PickleValue, type PickleDict, type PickleExtension, type GlobalHandler,
} from './values';
export { TorchStorageRef, TorchTensorRef, TORCH_ELEMENT_SIZE, storageTypeOf, type TorchStorageType } from './torch-globals';
export { NumpyArray, NumpyDType, numpyToNDArray } from './numpy-globals';
export { decodeElements, halfToFloat, ElementRangeError, FORMAT_SIZE, FORMAT_DTYPE, type ElementFormat } from './decode-elements';
export { BuilderError } from './builder-error';
