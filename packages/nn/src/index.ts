// @adder/nn: modules, layers, losses, optimisers, schedules and state dicts, numerically as torch.nn.
export { NNError } from './errors';
/** Weight initialisers (torch.nn.init) that fill NDArrays in place from a seeded Generator. */
export * as init from './init';
export { Optimizer, type OptimParam, type ParamGroup, type ParamGroupSpec, type ParamState, type OptimizerStateDict, type OptimizerStateMeta } from './optim/optimizer';
export { SGD, type SGDOptions } from './optim/sgd';
export { Adam, AdamW, type AdamOptions, type AdamInit } from './optim/adam';
export { clipGradNorm } from './optim/clip';
export {
  LRScheduler,
  StepLR,
  MultiStepLR,
  CosineAnnealingLR,
  EpochCosineLR,
  ConstantLR,
  LinearWarmup,
  cosineLr,
  type SchedulableOptimizer,
  type SchedulerState,
  type WarmupOptions,
} from './optim/lr-scheduler';
export { Parameter } from './parameter';
export { Module, type ForwardHook, type HookHandle } from './module';
export { stripStateDictPrefix, type LoadStateDictOptions, type LoadStateDictResult } from './state-dict';
export { summarize, type ModelSummary, type SummaryRow } from './summary';
export { Conv2d, type Conv2dLayerOptions } from './layers/conv2d';
export { Linear, type LinearOptions } from './layers/linear';
export { BatchNormBase, BatchNorm1d, BatchNorm2d, type BatchNormLayerOptions } from './layers/batch-norm';
export { recalibrateBatchNorm } from './bn-recalibration';
export { ReLU, Flatten, Identity } from './layers/simple';
export { MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, type PoolLayerOptions } from './layers/pooling';
export { Dropout, type DropoutOptions } from './layers/dropout';
export { Sequential } from './layers/sequential';
export { batchNorm, type BatchNormOptions } from './functions/batch-norm';
export { crossEntropy, nllLoss, mseLoss, type Reduction, type ClassTarget, type ClassLossOptions } from './loss';
export { klDiv, distillationLoss, type KLReduction, type DistillationOptions } from './distillation';
export { topkAccuracy, topkCorrect } from './metrics';
export { SafetensorsError, encodeSafetensors, decodeSafetensors, saveSafetensors, loadSafetensors, isDefaultInt64Key, type SafetensorsContent, type SafetensorsWriteOptions } from './safetensors';
export { loadTorchCheckpoint, readTorchCheckpoint, CheckpointError, type LoadTorchCheckpointOptions, type TorchCheckpointContent } from './torch-checkpoint';
export {
  readPickle, readPickleAt, PickleError, PyGlobal, PyObject, PyOrderedDict, NumpyArray, NumpyDType, numpyToNDArray,
  TorchTensorRef, TorchStorageRef, isTuple, isDict, type PickleValue, type PickleDict, type ReadPickleOptions,
} from './pickle';
