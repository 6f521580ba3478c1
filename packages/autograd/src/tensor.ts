// The differentiable Tensor: an NDArray plus requiresGrad, grad and the graph Node that made it.
// The methods that apply ops (add, sum, reshape, ...) are attached by ./tensor-methods, which the
// package entry imports once: this module imports no op, so every op module can import it.
import { NDArray, add, fmtShape, formatNDArray, isFloat, ones, sameShape, type DType, type NestedArray } from '@adder/tensor';
import { runBackward } from './engine';
import { AutogradError } from './errors';
import type { Node } from './node';

/** Adds `grad` into a tensor's `.grad` (+=), copying on first write so no caller array is aliased. */
function accumulateGrad(t: Tensor, grad: NDArray): void {
  if (t.grad === null) {
    t.grad = new Tensor(grad.clone());
    return;
  }
  const g = t.grad.data;
  if (g.isContiguous && sameShape(g.shape, grad.shape) && g.dtype === grad.dtype) add(g, grad, g);
  else t.grad = new Tensor(add(g, grad));
}

/** Options of Tensor.backward. */
export interface BackwardOptions {
  /** Keep saved tensors so that backward can run through the graph again. */
  retainGraph?: boolean;
}

/**
 * An n-d array that can record the Functions applied to it and backpropagate through them.
 * Higher-order gradients are not supported: backward computes on NDArrays and records no graph.
 * The op methods (`add`, `sum`, `reshape`, `matmul`, ...) are declared and attached in ./tensor-methods.
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
    if (this.gradFn === null) accumulateGrad(this, g);
    else runBackward(this.gradFn, g, opts.retainGraph === true, accumulateGrad);
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
}
