// Adder2d: the adder layer as a Module (the reference's `adder.adder2d`), parameter `adder` and optional bias `b`.
import type { Tensor } from '@adder/autograd';
import { Module, NNError, Parameter, init } from '@adder/nn';
import { zeros, type DType, type Generator } from '@adder/tensor';
import { adder2d } from './adder2d';

/** Options of Adder2d (the reference's defaults: stride 1, padding 0, no bias; eta 0.2 as its `/5`). */
export interface Adder2dLayerOptions {
  stride?: number;
  padding?: number;
  /** Adds a learnt per-channel bias `b`, U(0, 1) (the reference models never do). */
  bias?: boolean;
  /** The adaptive learning-rate factor of dW (default 0.2). */
  eta?: number;
  dtype?: DType;
  generator?: Generator;
}

/** y = adder2d(x, adder) (+ b): weight `adder` (Cout, Cin, k, k) initialised N(0, 1). */
export class Adder2d extends Module {
  readonly adder: Parameter;
  readonly b: Parameter | null;
  readonly stride: number;
  readonly padding: number;
  /** The dW scale; read at every forward, so a change applies from the next step. */
  eta: number;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernelSize: number,
    options: Adder2dLayerOptions = {},
  ) {
    super();
    for (const [name, v] of [['inChannels', inChannels], ['outChannels', outChannels], ['kernelSize', kernelSize]] as const) {
      if (!Number.isInteger(v) || v <= 0) throw new NNError('Adder2d', `${name} must be a positive integer, got ${v}`);
    }
    this.stride = options.stride ?? 1;
    this.padding = options.padding ?? 0;
    this.eta = options.eta ?? 0.2;
    const dtype = options.dtype ?? 'float32';
    const gen = options.generator ? { generator: options.generator } : {};
    this.adder = this.registerParameter('adder', new Parameter(init.normal(zeros([outChannels, inChannels, kernelSize, kernelSize], dtype), 0, 1, gen)));
    this.b = options.bias === true ? this.registerParameter('b', new Parameter(init.uniform(zeros([outChannels], dtype), 0, 1, gen))) : null;
  }

  forward(x: Tensor): Tensor {
    if (x.ndim !== 4 || x.shape[1] !== this.inChannels) {
      throw new NNError(this.describe(), `expected an input (N, ${this.inChannels}, H, W), got shape [${x.shape.join(', ')}]`);
    }
    const y = adder2d(x, this.adder, { stride: this.stride, padding: this.padding, eta: this.eta });
    return this.b === null ? y : y.add(this.b.reshape([1, this.outChannels, 1, 1]));
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${this.kernelSize}, stride=${this.stride}`;
    if (this.padding !== 0) s += `, padding=${this.padding}`;
    if (this.b === null) s += ', bias=False';
    return s;
  }
}
