// @adder/autograd: the differentiable Tensor, the Function registry, the backward engine and gradcheck.
// Higher-order gradients are not supported (backward computes on NDArrays and records no graph).
export { Tensor, type BackwardOptions } from './tensor';
// attaches Tensor's op methods (t.add, t.sum, ...): the one module that imports both Tensor and the ops
import './tensor-methods';
export type { TensorMethods, TensorProperties } from './tensor-methods';
export { tensor, fromNDArray, zeros, ones, full, randn, rand, type TensorOptions, type TensorDataOptions, type RandomOptions } from './creation';
export { noGrad, noGradAsync, isGradEnabled } from './grad-mode';
export { AutogradError } from './errors';
export { defineFunction, listFunctions, getFunction, type ApplyFn } from './function';
export type { Context, FunctionDef } from './context';
export { Node } from './node';
export { sumToShape, isExpandableTo } from './broadcast';
export { add, sub, mul, div, pow, maximum, minimum, neg, abs, exp, log, sqrt, rsqrt, relu, sigmoid, tanh, square, clamp, where, type Operand, type ClampOptions } from './ops/elementwise';
export { sum, mean, variance, variance as var, std, logsumexp, logSoftmax, softmax, type ReduceOptions, type VarOptions, type VarianceOptions, type StdOptions, type SoftmaxOptions } from './ops/reduce';
export { max, min, amax, amin, type ExtremumOptions, type ValuesIndices } from './ops/extrema';
export { cumsum, prod } from './ops/scan';
export { norm, type NormOrder } from './ops/norm';
export { flip, repeat, split, chunk, t } from './ops/shape';
export { reshape, view, permute, transpose, expand, slice, narrow, squeeze, unsqueeze, flatten, contiguous, cast, type ShapeOptions, type PermuteOptions, type SliceOptions, type SqueezeOptions, type UnsqueezeOptions, type CastOptions } from './ops/views';
export { hardtanh, leakyRelu, gelu, silu, elu, softplus, logSigmoid, log1p, sin, cos, type HardtanhOptions, type GeluOptions, type SoftplusOptions } from './ops/activations';
export { matmul, mm, bmm } from './ops/matmul';
export { gradcheck, GradcheckError, type GradcheckOptions } from './gradcheck';
export { conv2d, unfold, fold, type GroupedConv2dOptions } from './ops/conv';
export { maxPool2d, maxPool2dWithIndices, avgPool2d, adaptiveAvgPool2d, adaptiveMaxPool2d, adaptiveMaxPool2dWithIndices, type MaxPool2dOptions, type AvgPool2dOptions, type AdaptiveOutputSize } from './ops/pool';
export { checkOptions, refuseOption, type OptionsErrorFactory } from './options';
export { cat, concat, stack, pad, type JoinOptions, type PadOptions } from './ops/join';
export { gather, indexSelect, type IndexOptions } from './ops/indexing';
export { eq, ne, lt, le, gt, ge, argmax, argmin, sign } from './ops/compare';
