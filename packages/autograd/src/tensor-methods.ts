// The Tensor methods that apply ops (t.add(u), t.sum(), t.reshape(s), ...), attached to Tensor's prototype.
// The package entry imports this module once. It is the only module that imports both Tensor and the ops,
// so tensor.ts imports no op and nothing in the package imports in a circle. Declaration merging (the
// `declare module` below) adds the methods to the Tensor type, so they are typed wherever Tensor is.
import type { Axes, DType, NDArray } from '@adder/tensor';
import { Tensor } from './tensor';
import * as Act from './ops/activations';
import * as C from './ops/compare';
import * as E from './ops/elementwise';
import * as I from './ops/indexing';
import * as X from './ops/extrema';
import * as M from './ops/matmul';
import * as N from './ops/norm';
import * as R from './ops/reduce';
import * as S from './ops/scan';
import * as Sh from './ops/shape';
import * as V from './ops/views';

/** Tensor's op methods, each delegating to the functional op of the same name. */
export interface TensorMethods {
  // differentiable
  /** this + other. */
  add(other: Tensor | number): Tensor;
  /** this - other. */
  sub(other: Tensor | number): Tensor;
  /** this * other. */
  mul(other: Tensor | number): Tensor;
  /** this / other. */
  div(other: Tensor | number): Tensor;
  /** this ** other. */
  pow(other: Tensor | number): Tensor;
  /** Element-wise maximum. */
  maximum(other: Tensor | number): Tensor;
  /** Element-wise minimum. */
  minimum(other: Tensor | number): Tensor;
  /** -this. */
  neg(): Tensor;
  /** |this|. */
  abs(): Tensor;
  /** e^this. */
  exp(): Tensor;
  /** Natural log. */
  log(): Tensor;
  /** Square root. */
  sqrt(): Tensor;
  /** max(this, 0). */
  relu(): Tensor;
  /** Logistic sigmoid. */
  sigmoid(): Tensor;
  /** tanh. */
  tanh(): Tensor;
  /** this * this. */
  square(): Tensor;
  /** Clamps into [min, max] (defaults -Infinity, Infinity). */
  clamp(min?: number, max?: number): Tensor;
  /** Sum over axes (all by default); keepdim defaults to false. */
  sum(axes?: Axes, keepdim?: boolean): Tensor;
  /** Mean over axes. */
  mean(axes?: Axes, keepdim?: boolean): Tensor;
  /** Variance over `dim` (all by default) as torch's x.var(dim, unbiased=True, keepdim=False): `x.var(1, { keepdim: true })`. */
  var(dim?: Axes, options?: R.VarianceOptions): Tensor;
  /**
   * @deprecated the positional form `(axes, keepdim, unbiased)` is removed in the next release: torch's positional
   * order is (dim, unbiased, keepdim), so pass `{ unbiased, keepdim }` instead (`x.var(0, { keepdim: true })`).
   */
  var(axes: Axes | undefined, keepdim: boolean | undefined, unbiased?: boolean): Tensor;
  /** Standard deviation over `dim` (all by default) as torch's x.std(dim, unbiased=True, keepdim=False) or correction=c. */
  std(dim?: Axes, options?: R.StdOptions): Tensor;
  /** The largest element (torch's x.max()); tied elements share the gradient. */
  max(dim?: undefined, keepdim?: boolean): Tensor;
  /** The largest values along `dim` and their indices (torch's x.max(dim, keepdim)); the gradient goes to the index. */
  max(dim: number, keepdim?: boolean): X.ValuesIndices;
  /** The smallest element (torch's x.min()). */
  min(dim?: undefined, keepdim?: boolean): Tensor;
  /** The smallest values along `dim` and their indices (torch's x.min(dim, keepdim)). */
  min(dim: number, keepdim?: boolean): X.ValuesIndices;
  /** Max over one or several dims (all by default; torch's x.amax); ties share the gradient. */
  amax(dim?: Axes, keepdim?: boolean): Tensor;
  /** Min over one or several dims (torch's x.amin). */
  amin(dim?: Axes, keepdim?: boolean): Tensor;
  /** Product of all elements, or along one dim (torch's x.prod). */
  prod(dim?: number, keepdim?: boolean): Tensor;
  /** Running sums along a dim (torch's x.cumsum). */
  cumsum(dim: number): Tensor;
  /** Vector p-norm (default 'fro' = 2) over all elements or `dim` (torch's x.norm(p, dim, keepdim)). */
  norm(p?: N.NormOrder, dim?: Axes, keepdim?: boolean): Tensor;
  /** Stable log(sum(exp(this))). */
  logsumexp(axes?: Axes, keepdim?: boolean): Tensor;
  /** Stable log-softmax along an axis (default the last). */
  logSoftmax(axis?: number): Tensor;
  /** Softmax along an axis (default the last; exp of logSoftmax). */
  softmax(axis?: number): Tensor;
  /** Matrix product (torch.matmul). */
  matmul(other: Tensor): Tensor;
  /** Product of 2-d matrices (torch's x.mm). */
  mm(other: Tensor): Tensor;
  /** Batched product of 3-d tensors (torch's x.bmm). */
  bmm(other: Tensor): Tensor;
  /** A copy with the given dims reversed (torch's x.flip(dims)). */
  flip(dims: number | readonly number[]): Tensor;
  /** Tiles along each dim (torch's x.repeat(sizes) / x.repeat(...sizes)). */
  repeat(sizes: readonly number[]): Tensor;
  repeat(...sizes: number[]): Tensor;
  /** Pieces along a dim of one size or of the given sizes (torch's x.split). */
  split(splitSizeOrSections: number | readonly number[], dim?: number): Tensor[];
  /** At most `chunks` equal pieces along a dim (torch's x.chunk). */
  chunk(chunks: number, dim?: number): Tensor[];
  /** The transpose of a 2-d tensor; a 0-d or 1-d one as it is (torch's x.t()). */
  t(): Tensor;
  /** New shape (a view when possible). */
  reshape(shape: readonly number[]): Tensor;
  /** New shape as a view (throws when impossible). */
  view(shape: readonly number[]): Tensor;
  /** Reorders the dims. */
  permute(axes: readonly number[]): Tensor;
  /** Swaps two dims (default the last two). */
  transpose(dim0?: number, dim1?: number): Tensor;
  /** Broadcasts to a shape. */
  expand(shape: readonly number[]): Tensor;
  /** start:end:step along one axis (defaults 0, the end, 1). */
  slice(axis: number, start?: number, end?: number, step?: number): Tensor;
  /** `length` elements from `start` along `axis`. */
  narrow(axis: number, start: number, length: number): Tensor;
  /** Drops size-1 dims. */
  squeeze(axis?: number | readonly number[]): Tensor;
  /** Inserts a size-1 dim. */
  unsqueeze(axis: number): Tensor;
  /** Flattens dims startDim..endDim (default all). */
  flatten(startDim?: number, endDim?: number): Tensor;
  /** A contiguous tensor. */
  contiguous(): Tensor;
  /** Converts dtype (differentiable between float32 and float64). */
  cast(dtype: DType): Tensor;
  /** Alias of cast (torch's .to(dtype)). */
  to(dtype: DType): Tensor;
  /** 1 / sqrt(this). */
  rsqrt(): Tensor;
  /** log(1 + this), accurate near 0. */
  log1p(): Tensor;
  /** sin(this). */
  sin(): Tensor;
  /** cos(this). */
  cos(): Tensor;
  /** Gathers along an axis with an int32 index of the same rank (torch.gather). */
  gather(axis: number, index: Tensor | NDArray): Tensor;
  /** Selects entries along an axis by a 1-d int32 index (torch.index_select). */
  indexSelect(axis: number, index: Tensor | NDArray): Tensor;

  // non-differentiable (results never require grad)
  /** this == other mask (uint8). */
  eq(other: Tensor | number): Tensor;
  /** this != other mask. */
  ne(other: Tensor | number): Tensor;
  /** this < other mask. */
  lt(other: Tensor | number): Tensor;
  /** this <= other mask. */
  le(other: Tensor | number): Tensor;
  /** this > other mask. */
  gt(other: Tensor | number): Tensor;
  /** this >= other mask. */
  ge(other: Tensor | number): Tensor;
  /** int32 index of the max along an axis. */
  argmax(axis?: number, keepdim?: boolean): Tensor;
  /** int32 index of the min along an axis. */
  argmin(axis?: number, keepdim?: boolean): Tensor;
  /** sign in {-1, 0, 1}, without gradient. */
  sign(): Tensor;
}

/** Tensor's op properties (getters), as torch's. */
export interface TensorProperties {
  /** The last two dims swapped (torch's x.mT): a view through transpose. */
  readonly mT: Tensor;
}

declare module './tensor' {
  // the class Tensor and these interfaces merge: every Tensor has the methods and properties below
  interface Tensor extends TensorMethods, TensorProperties {}
}

const methods: TensorMethods & ThisType<Tensor> = {
  // differentiable
  add(other: Tensor | number) {
    return E.add(this, other);
  },
  sub(other: Tensor | number) {
    return E.sub(this, other);
  },
  mul(other: Tensor | number) {
    return E.mul(this, other);
  },
  div(other: Tensor | number) {
    return E.div(this, other);
  },
  pow(other: Tensor | number) {
    return E.pow(this, other);
  },
  maximum(other: Tensor | number) {
    return E.maximum(this, other);
  },
  minimum(other: Tensor | number) {
    return E.minimum(this, other);
  },
  neg() {
    return E.neg(this);
  },
  abs() {
    return E.abs(this);
  },
  exp() {
    return E.exp(this);
  },
  log() {
    return E.log(this);
  },
  sqrt() {
    return E.sqrt(this);
  },
  relu() {
    return E.relu(this);
  },
  sigmoid() {
    return E.sigmoid(this);
  },
  tanh() {
    return E.tanh(this);
  },
  square() {
    return E.square(this);
  },
  clamp(min = -Infinity, max = Infinity) {
    return E.clamp(this, min, max);
  },
  sum(axes?: Axes, keepdim = false) {
    return R.sum(this, axes, keepdim);
  },
  mean(axes?: Axes, keepdim = false) {
    return R.mean(this, axes, keepdim);
  },
  var(dim?: Axes, options?: R.VarianceOptions | boolean, unbiased?: boolean) {
    return R.varianceOf(this, dim, options, unbiased);
  },
  std(dim?: Axes, options?: R.StdOptions) {
    return R.std(this, dim, options);
  },
  // one implementation of the two overloads (over everything; along a dim with indices)
  max: function (this: Tensor, dim?: number, keepdim = false) {
    return dim === undefined ? X.max(this, undefined, keepdim) : X.max(this, dim, keepdim);
  } as TensorMethods['max'],
  // one implementation of the two overloads (over everything; along a dim with indices)
  min: function (this: Tensor, dim?: number, keepdim = false) {
    return dim === undefined ? X.min(this, undefined, keepdim) : X.min(this, dim, keepdim);
  } as TensorMethods['min'],
  amax(dim?: Axes, keepdim = false) {
    return X.amax(this, dim, keepdim);
  },
  amin(dim?: Axes, keepdim = false) {
    return X.amin(this, dim, keepdim);
  },
  prod(dim?: number, keepdim = false) {
    return S.prod(this, dim, keepdim);
  },
  cumsum(dim: number) {
    return S.cumsum(this, dim);
  },
  norm(p: N.NormOrder = 'fro', dim?: Axes, keepdim = false) {
    return N.norm(this, p, dim, keepdim);
  },
  logsumexp(axes?: Axes, keepdim = false) {
    return R.logsumexp(this, axes, keepdim);
  },
  logSoftmax(axis = -1) {
    return R.logSoftmax(this, axis);
  },
  softmax(axis = -1) {
    return R.softmax(this, axis);
  },
  matmul(other: Tensor) {
    return M.matmul(this, other);
  },
  mm(other: Tensor) {
    return M.mm(this, other);
  },
  bmm(other: Tensor) {
    return M.bmm(this, other);
  },
  flip(dims: number | readonly number[]) {
    return Sh.flip(this, dims);
  },
  repeat(...sizes: (number | readonly number[])[]) {
    const first = sizes[0];
    return Sh.repeat(this, sizes.length === 1 && Array.isArray(first) ? (first as readonly number[]) : (sizes as number[]));
  },
  split(splitSizeOrSections: number | readonly number[], dim = 0) {
    return Sh.split(this, splitSizeOrSections, dim);
  },
  chunk(chunks: number, dim = 0) {
    return Sh.chunk(this, chunks, dim);
  },
  t() {
    return Sh.t(this);
  },
  reshape(shape: readonly number[]) {
    return V.reshape(this, shape);
  },
  view(shape: readonly number[]) {
    return V.view(this, shape);
  },
  permute(axes: readonly number[]) {
    return V.permute(this, axes);
  },
  transpose(dim0 = -2, dim1 = -1) {
    return V.transpose(this, dim0, dim1);
  },
  expand(shape: readonly number[]) {
    return V.expand(this, shape);
  },
  slice(axis: number, start = 0, end?: number, step = 1) {
    return V.slice(this, axis, start, end, step);
  },
  narrow(axis: number, start: number, length: number) {
    return V.narrow(this, axis, start, length);
  },
  squeeze(axis?: number | readonly number[]) {
    return V.squeeze(this, axis);
  },
  unsqueeze(axis: number) {
    return V.unsqueeze(this, axis);
  },
  flatten(startDim = 0, endDim = -1) {
    return V.flatten(this, startDim, endDim);
  },
  contiguous() {
    return V.contiguous(this);
  },
  cast(dtype: DType) {
    return V.cast(this, dtype);
  },
  to(dtype: DType) {
    return V.cast(this, dtype);
  },
  rsqrt() {
    return E.rsqrt(this);
  },
  log1p() {
    return Act.log1p(this);
  },
  sin() {
    return Act.sin(this);
  },
  cos() {
    return Act.cos(this);
  },
  gather(axis: number, index: Tensor | NDArray) {
    return I.gather(this, axis, index);
  },
  indexSelect(axis: number, index: Tensor | NDArray) {
    return I.indexSelect(this, axis, index);
  },

  // non-differentiable (results never require grad)
  eq(other: Tensor | number) {
    return C.eq(this, other);
  },
  ne(other: Tensor | number) {
    return C.ne(this, other);
  },
  lt(other: Tensor | number) {
    return C.lt(this, other);
  },
  le(other: Tensor | number) {
    return C.le(this, other);
  },
  gt(other: Tensor | number) {
    return C.gt(this, other);
  },
  ge(other: Tensor | number) {
    return C.ge(this, other);
  },
  argmax(axis?: number, keepdim = false) {
    return C.argmax(this, axis, keepdim);
  },
  argmin(axis?: number, keepdim = false) {
    return C.argmin(this, axis, keepdim);
  },
  sign() {
    return C.sign(this);
  },
};

// Non-enumerable, as methods declared in the class body are.
for (const [name, value] of Object.entries(methods)) {
  Object.defineProperty(Tensor.prototype, name, { value, writable: true, configurable: true, enumerable: false });
}
// torch's x.mT is a property
Object.defineProperty(Tensor.prototype, 'mT', {
  get(this: Tensor) {
    return Sh.mT(this);
  },
  configurable: true,
  enumerable: false,
});
