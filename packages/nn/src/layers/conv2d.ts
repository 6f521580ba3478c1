// Conv2d: a 2-D convolution layer with PyTorch's default init (torch.nn.Conv2d, groups = 1), on autograd's conv2d Function.
import { conv2d, type Tensor } from '@adder/autograd';
import { checkInput, pair } from './check';
import { WeightedLayer, type WeightedLayerOptions } from './weighted';

/** Options of Conv2d (defaults as torch: stride 1, padding 0, dilation 1, bias true). */
export interface Conv2dLayerOptions extends WeightedLayerOptions {
  stride?: number | readonly number[];
  padding?: number | readonly number[];
  dilation?: number | readonly number[];
}

/** y = conv2d(x, weight) + bias; weight (out, in, kh, kw) and bias (out) start as U(+-1/sqrt(fan_in)). */
export class Conv2d extends WeightedLayer {
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly dilation: [number, number];

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: number | readonly number[],
    options: Conv2dLayerOptions = {},
  ) {
    super([outChannels, inChannels, ...pair(kernelSize, 'Conv2d kernelSize')], options);
    this.kernelSize = pair(kernelSize, 'Conv2d kernelSize');
    this.stride = pair(options.stride ?? 1, 'Conv2d stride');
    this.padding = pair(options.padding ?? 0, 'Conv2d padding');
    this.dilation = pair(options.dilation ?? 1, 'Conv2d dilation');
  }

  forward(x: Tensor): Tensor {
    checkInput(this, x, [4], '(N, C, H, W)', this.inChannels);
    return conv2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation });
  }

  override extraRepr(): string {
    const t = (p: [number, number]): string => `(${p[0]}, ${p[1]})`;
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${t(this.kernelSize)}, stride=${t(this.stride)}`;
    if (this.padding.some((v) => v !== 0)) s += `, padding=${t(this.padding)}`;
    if (this.dilation.some((v) => v !== 1)) s += `, dilation=${t(this.dilation)}`;
    if (this.bias === null) s += ', bias=False';
    return s;
  }
}
