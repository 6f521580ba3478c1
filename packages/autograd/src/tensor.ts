// The differentiable Tensor: an NDArray plus requiresGrad, grad and the graph Node that made it.
import { NDArray, fmtShape, formatNDArray, isFloat, ones, sameShape, type Axes, type DType, type NestedArray } from '@adder/tensor';
import { runBackward, accumulateInto } from './engine';
import { AutogradError } from './errors';
import type { Node } from './function';
import * as E from './ops/elementwise';
import * as R from './ops/reduce';
import * as V from './ops/views';
import { matmul } from './ops/matmul';
import * as C from './ops/compare';
import * as I from './ops/indexing';

/** Options of Tensor.backward. */
export interface BackwardOptions {
  /** Keep saved tensors so that backward can run through the graph again. */
  retainGraph?: boolean;
}

/**
 * An n-d array that can record the Functions applied to it and backpropagate through them.
 * Higher-order gradients are not supported: backward computes on NDArrays and records no graph.
 */
export class Tensor {
  /** The value; optimisers update it in place under noGrad. */
  data: NDArray;
  /** Whether gradients flow to (leaf) or through (non-leaf) this tensor. */
  requiresGrad: boolean;
  /** The accumulated gradient: set on leaves, and on non-leaves after retainGrad(). */
  grad: Tensor | null = null;
  /** The graph node that produced this tensor (null for leaves). */
  gradFn: Node | null = null;

  constructor(data: NDArray, requiresGrad = false) {
    if (requiresGrad && !isFloat(data.dtype)) {
      throw new AutogradError('Tensor', `only float tensors can require grad, got dtype ${data.dtype}`);
    }
    this.data = data;
    this.requiresGrad = requiresGrad;
  }

  /** The shape. */
  get shape(): readonly number[] {
    return this.data.shape;
  }
  /** The element type. */
  get dtype(): DType {
    return this.data.dtype;
  }
  /** Number of dimensions. */
  get ndim(): number {
    return this.data.ndim;
  }
  /** Number of elements. */
  get size(): number {
    return this.data.size;
  }
  /** True for tensors not produced by a recorded Function (user-created, or requiresGrad false). */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  /**
   * Backpropagates from this tensor, accumulating (+=) into the .grad of every leaf that requires grad.
   * `grad` defaults to 1 for a one-element tensor; a non-scalar needs it explicitly (as PyTorch).
   */
  backward(grad?: Tensor | NDArray, opts: BackwardOptions = {}): void {
    if (!this.requiresGrad) {
      throw new AutogradError('backward', `tensor of shape ${fmtShape(this.shape)} does not require grad and has no gradFn`);
    }
    let g: NDArray;
    if (grad === undefined) {
      if (this.size !== 1) {
        throw new AutogradError('backward', `grad can be implicitly created only for one-element outputs, got shape ${fmtShape(this.shape)}; pass a gradient`);
      }
      g = ones(this.shape, this.dtype);
    } else {
      g = grad instanceof Tensor ? grad.data : grad;
      if (!sameShape(g.shape, this.shape)) {
        throw new AutogradError('backward', `gradient has shape ${fmtShape(g.shape)}, but the tensor has shape ${fmtShape(this.shape)}`);
      }
      if (g.dtype !== this.dtype) throw new AutogradError('backward', `gradient has dtype ${g.dtype}, but the tensor is ${this.dtype}`);
    }
    if (this.gradFn === null) accumulateInto(this, g);
    else runBackward(this.gradFn, g, opts.retainGraph === true);
  }

  /** A new leaf sharing the data, cut from the graph. */
  detach(): Tensor {
    return new Tensor(this.data);
  }
  /** Makes a non-leaf keep its .grad after backward (leaves always do). */
  retainGrad(): void {
    if (this.gradFn !== null) this.gradFn.retained = this;
  }
  /** Sets requiresGrad on a leaf and returns this tensor (torch.requires_grad_). */
  requiresGrad_(flag = true): this {
    if (this.gradFn !== null && !flag) throw new AutogradError('requiresGrad_', 'cannot turn off requiresGrad on a non-leaf; use detach()');
    if (flag && !isFloat(this.dtype)) throw new AutogradError('requiresGrad_', `only float tensors can require grad, got ${this.dtype}`);
    this.requiresGrad = flag;
    return this;
  }
  /** The single value of a one-element tensor. */
  item(): number {
    return this.data.item();
  }
  /** Nested JS arrays. */
  toArray(): NestedArray {
    return this.data.toArray();
  }
  /** PyTorch-style printout, with requiresGrad / gradFn noted. */
  toString(): string {
    const body = formatNDArray(this.data);
    if (this.gradFn !== null) return `tensor(${body}, gradFn=${this.gradFn.name})`;
    return this.requiresGrad ? `tensor(${body}, requiresGrad=true)` : `tensor(${body})`;
  }

  // ---- differentiable methods (delegating to the functional ops) ----
  /** this + other. */
  add(other: Tensor | number): Tensor {
    return E.add(this, other);
  }
  /** this - other. */
  sub(other: Tensor | number): Tensor {
    return E.sub(this, other);
  }
  /** this * other. */
  mul(other: Tensor | number): Tensor {
    return E.mul(this, other);
  }
  /** this / other. */
  div(other: Tensor | number): Tensor {
    return E.div(this, other);
  }
  /** this ** other. */
  pow(other: Tensor | number): Tensor {
    return E.pow(this, other);
  }
  /** Element-wise maximum. */
  maximum(other: Tensor | number): Tensor {
    return E.maximum(this, other);
  }
  /** Element-wise minimum. */
  minimum(other: Tensor | number): Tensor {
    return E.minimum(this, other);
  }
  /** -this. */
  neg(): Tensor {
    return E.neg(this);
  }
  /** |this|. */
  abs(): Tensor {
    return E.abs(this);
  }
  /** e^this. */
  exp(): Tensor {
    return E.exp(this);
  }
  /** Natural log. */
  log(): Tensor {
    return E.log(this);
  }
  /** Square root. */
  sqrt(): Tensor {
    return E.sqrt(this);
  }
  /** max(this, 0). */
  relu(): Tensor {
    return E.relu(this);
  }
  /** Logistic sigmoid. */
  sigmoid(): Tensor {
    return E.sigmoid(this);
  }
  /** tanh. */
  tanh(): Tensor {
    return E.tanh(this);
  }
  /** this * this. */
  square(): Tensor {
    return E.square(this);
  }
  /** Clamps into [min, max]. */
  clamp(min = -Infinity, max = Infinity): Tensor {
    return E.clamp(this, min, max);
  }
  /** Sum over axes (all by default). */
  sum(axes?: Axes, keepdim = false): Tensor {
    return R.sum(this, axes, keepdim);
  }
  /** Mean over axes. */
  mean(axes?: Axes, keepdim = false): Tensor {
    return R.mean(this, axes, keepdim);
  }
  /** Variance over axes (unbiased by default). */
  var(axes?: Axes, keepdim = false, unbiased = true): Tensor {
    return R.variance(this, axes, keepdim, unbiased);
  }
  /** Max over one axis (or all). */
  max(axis?: number, keepdim = false): Tensor {
    return R.max(this, axis, keepdim);
  }
  /** Min over one axis (or all). */
  min(axis?: number, keepdim = false): Tensor {
    return R.min(this, axis, keepdim);
  }
  /** Stable log(sum(exp(this))). */
  logsumexp(axes?: Axes, keepdim = false): Tensor {
    return R.logsumexp(this, axes, keepdim);
  }
  /** Stable log-softmax along an axis. */
  logSoftmax(axis = -1): Tensor {
    return R.logSoftmax(this, axis);
  }
  /** Softmax along an axis (exp of logSoftmax). */
  softmax(axis = -1): Tensor {
    return R.softmax(this, axis);
  }
  /** Matrix product (torch.matmul). */
  matmul(other: Tensor): Tensor {
    return matmul(this, other);
  }
  /** New shape (a view when possible). */
  reshape(shape: readonly number[]): Tensor {
    return V.reshape(this, shape);
  }
  /** New shape as a view (throws when impossible). */
  view(shape: readonly number[]): Tensor {
    return V.view(this, shape);
  }
  /** Reorders the dims. */
  permute(axes: readonly number[]): Tensor {
    return V.permute(this, axes);
  }
  /** Swaps two dims (default the last two). */
  transpose(dim0 = -2, dim1 = -1): Tensor {
    return V.transpose(this, dim0, dim1);
  }
  /** Broadcasts to a shape. */
  expand(shape: readonly number[]): Tensor {
    return V.expand(this, shape);
  }
  /** start:end:step along one axis. */
  slice(axis: number, start = 0, end?: number, step = 1): Tensor {
    return V.slice(this, axis, start, end, step);
  }
  /** `length` elements from `start` along `axis`. */
  narrow(axis: number, start: number, length: number): Tensor {
    return V.narrow(this, axis, start, length);
  }
  /** Drops size-1 dims. */
  squeeze(axis?: number | readonly number[]): Tensor {
    return V.squeeze(this, axis);
  }
  /** Inserts a size-1 dim. */
  unsqueeze(axis: number): Tensor {
    return V.unsqueeze(this, axis);
  }
  /** Flattens dims startDim..endDim. */
  flatten(startDim = 0, endDim = -1): Tensor {
    return V.flatten(this, startDim, endDim);
  }
  /** A contiguous tensor. */
  contiguous(): Tensor {
    return V.contiguous(this);
  }
  /** Converts dtype (differentiable between float32 and float64). */
  cast(dtype: DType): Tensor {
    return V.cast(this, dtype);
  }
  /** Alias of cast (torch's .to(dtype)). */
  to(dtype: DType): Tensor {
    return V.cast(this, dtype);
  }
  /** 1 / sqrt(this). */
  rsqrt(): Tensor {
    return E.div(1, E.sqrt(this));
  }
  /** Gathers along an axis with an int32 index of the same rank (torch.gather). */
  gather(axis: number, index: Tensor | NDArray): Tensor {
    return I.gather(this, axis, index);
  }
  /** Selects entries along an axis by a 1-d int32 index (torch.index_select). */
  indexSelect(axis: number, index: Tensor | NDArray): Tensor {
    return I.indexSelect(this, axis, index);
  }

  // ---- non-differentiable methods (results never require grad) ----
  /** this == other mask (uint8). */
  eq(other: Tensor | number): Tensor {
    return C.eq(this, other);
  }
  /** this != other mask. */
  ne(other: Tensor | number): Tensor {
    return C.ne(this, other);
  }
  /** this < other mask. */
  lt(other: Tensor | number): Tensor {
    return C.lt(this, other);
  }
  /** this <= other mask. */
  le(other: Tensor | number): Tensor {
    return C.le(this, other);
  }
  /** this > other mask. */
  gt(other: Tensor | number): Tensor {
    return C.gt(this, other);
  }
  /** this >= other mask. */
  ge(other: Tensor | number): Tensor {
    return C.ge(this, other);
  }
  /** int32 index of the max along an axis. */
  argmax(axis?: number, keepdim = false): Tensor {
    return C.argmax(this, axis, keepdim);
  }
  /** int32 index of the min along an axis. */
  argmin(axis?: number, keepdim = false): Tensor {
    return C.argmin(this, axis, keepdim);
  }
  /** sign in {-1, 0, 1}, without gradient. */
  sign(): Tensor {
    return C.sign(this);
  }
}
