// Conv2d: a 2-D convolution layer with PyTorch's default init (torch.nn.Conv2d, also grouped and dilated), on autograd's conv2d.
import { conv2d, type Tensor } from '@adder/autograd';
import { NNError } from '../errors';
import { checkInput, pair } from './check';
import { WeightedLayer, type WeightedLayerOptions } from './weighted';

/** Options of Conv2d (defaults as torch: stride 1, padding 0, dilation 1, groups 1, bias true). */
export interface Conv2dLayerOptions extends WeightedLayerOptions {
  stride?: number | readonly number[];
  padding?: number | readonly number[];
  dilation?: number | readonly number[];
  /** Channel groups: the weight is (out, in/groups, kh, kw); both channel counts must be multiples of it. */
  groups?: number;
}

/** y = conv2d(x, weight) + bias; weight (out, in/groups, kh, kw) and bias (out) start as U(+-1/sqrt(fan_in)). */
export class Conv2d extends WeightedLayer {
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly dilation: [number, number];
  readonly groups: number;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: number | readonly number[],
    options: Conv2dLayerOptions = {},
  ) {
    const groups = options.groups ?? 1;
    if (!Number.isInteger(groups) || groups < 1 || inChannels % groups !== 0 || outChannels % groups !== 0) {
      throw new NNError('Conv2d', `groups ${JSON.stringify(groups)} must be a positive integer dividing inChannels ${inChannels} and outChannels ${outChannels}`);
    }
    super([outChannels, inChannels / groups, ...pair(kernelSize, 'Conv2d kernelSize')], options);
    this.groups = groups;
    this.kernelSize = pair(kernelSize, 'Conv2d kernelSize');
    this.stride = pair(options.stride ?? 1, 'Conv2d stride');
    this.padding = pair(options.padding ?? 0, 'Conv2d padding');
    this.dilation = pair(options.dilation ?? 1, 'Conv2d dilation');
  }

  forward(x: Tensor): Tensor {
    checkInput(this, x, [4], '(N, C, H, W)', this.inChannels);
    return conv2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }

  override extraRepr(): string {
    const t = (p: [number, number]): string => `(${p[0]}, ${p[1]})`;
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${t(this.kernelSize)}, stride=${t(this.stride)}`;
    if (this.padding.some((v) => v !== 0)) s += `, padding=${t(this.padding)}`;
    if (this.dilation.some((v) => v !== 1)) s += `, dilation=${t(this.dilation)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=False';
    return s;
  }
}
