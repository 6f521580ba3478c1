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
  IdentityLR,
  LinearLR,
  LinearWarmup,
  SequentialLR,
  EpochwiseLR,
  cosineLr,
  type SchedulableOptimizer,
  type SchedulerState,
  type WarmupOptions,
  type ConstantLROptions,
  type LinearLROptions,
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
export { MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, AdaptiveMaxPool2d, type PoolLayerOptions, type MaxPoolLayerOptions, type AvgPoolLayerOptions, type AdaptiveSize } from './layers/pooling';
export { LayerNorm, GroupNorm, type LayerNormOptions, type GroupNormOptions } from './layers/norm';
export { Dropout, type DropoutOptions } from './layers/dropout';
export { Sequential } from './layers/sequential';
export { batchNorm, type BatchNormOptions } from './functions/batch-norm';
export { layerNorm, groupNorm, type NormOptions } from './functions/layer-norm';
export { linear } from './functions/linear';
export { crossEntropy, nllLoss, type Reduction, type ClassTarget, type ClassLossOptions } from './loss';
export { mseLoss, l1Loss, smoothL1Loss, binaryCrossEntropyWithLogits, type SmoothL1LossOptions, type BCEWithLogitsOptions } from './regression-loss';
export { klDiv, distillationLoss, type KLReduction, type DistillationOptions } from './distillation';
export { topkAccuracy, topkCorrect } from './metrics';
// Moved to @adder/io (safetensors, the .pth loader and the safe pickle reader); re-exported here for one release only.
// Each name is marked @deprecated so editors strike it through; import it from '@adder/io' instead.
export {
  /** @deprecated import from `@adder/io` */
  SafetensorsError,
  /** @deprecated import from `@adder/io` */
  encodeSafetensors,
  /** @deprecated import from `@adder/io` */
  decodeSafetensors,
  /** @deprecated import from `@adder/io` */
  saveSafetensors,
  /** @deprecated import from `@adder/io` */
  loadSafetensors,
  /** @deprecated import from `@adder/io` */
  isDefaultInt64Key,
  /** @deprecated import from `@adder/io` */
  type SafetensorsContent,
  /** @deprecated import from `@adder/io` */
  type SafetensorsWriteOptions,
  /** @deprecated import from `@adder/io` */
  loadTorchCheckpoint,
  /** @deprecated import from `@adder/io` */
  readTorchCheckpoint,
  /** @deprecated import from `@adder/io` */
  CheckpointError,
  /** @deprecated import from `@adder/io` */
  type LoadTorchCheckpointOptions,
  /** @deprecated import from `@adder/io` */
  type TorchCheckpointContent,
  /** @deprecated import from `@adder/io` */
  readPickle,
  /** @deprecated import from `@adder/io` */
  readPickleAt,
  /** @deprecated import from `@adder/io` */
  PickleError,
  /** @deprecated import from `@adder/io` */
  PyGlobal,
  /** @deprecated import from `@adder/io` */
  PyObject,
  /** @deprecated import from `@adder/io` */
  PyOrderedDict,
  /** @deprecated import from `@adder/io` */
  NumpyArray,
  /** @deprecated import from `@adder/io` */
  NumpyDType,
  /** @deprecated import from `@adder/io` */
  numpyToNDArray,
  /** @deprecated import from `@adder/io` */
  TorchTensorRef,
  /** @deprecated import from `@adder/io` */
  TorchStorageRef,
  /** @deprecated import from `@adder/io` */
  isTuple,
  /** @deprecated import from `@adder/io` */
  isDict,
  /** @deprecated import from `@adder/io` */
  type PickleValue,
  /** @deprecated import from `@adder/io` */
  type PickleDict,
  /** @deprecated import from `@adder/io` */
  type ReadPickleOptions,
} from '@adder/io';
