// @adder/io: reading and writing tensors on disk (safetensors, PyTorch .pth checkpoints and the safe pickle reader under them); depends on @adder/tensor only.
export {
  SafetensorsError, encodeSafetensors, decodeSafetensors, saveSafetensors, loadSafetensors, isDefaultInt64Key,
  type SafetensorsContent, type SafetensorsWriteOptions,
} from './safetensors';
export { loadTorchCheckpoint, readTorchCheckpoint, CheckpointError, type LoadTorchCheckpointOptions, type TorchCheckpointContent } from './torch-checkpoint';
export {
  readPickle, readPickleAt, PickleError, PyGlobal, PyObject, PyOrderedDict, NumpyArray, NumpyDType, numpyToNDArray,
  TorchTensorRef, TorchStorageRef, isTuple, isDict, type PickleValue, type PickleDict, type ReadPickleOptions,
} from './pickle';
export {
  ResourceLimitError, DEFAULT_PICKLE_LIMITS, DEFAULT_TENSOR_LIMITS, DEFAULT_CHECKPOINT_LIMITS,
  type PickleLimits, type TensorLimits, type CheckpointLimits,
} from './limits';
