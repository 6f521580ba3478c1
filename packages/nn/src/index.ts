// @adder/nn: modules, layers, losses, optimisers, schedules and state dicts, numerically as torch.nn.
export { NNError } from './errors';
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
