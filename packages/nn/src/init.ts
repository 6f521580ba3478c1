// Weight initialisers (torch.nn.init) that fill NDArrays in place from a seeded Generator.
import { defaultGenerator, type Generator, type NDArray } from '@adder/tensor';
import { NNError } from './errors';

/** Which fan kaiming init preserves: the forward pass (fan_in) or the backward pass (fan_out). */
export type FanMode = 'fan_in' | 'fan_out';
/** Non-linearities known to calculateGain. */
export type Nonlinearity = 'linear' | 'conv2d' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu';

/** Options shared by the random initialisers. */
export interface InitOptions {
  generator?: Generator;
}

/** fan_in and fan_out of a weight, as torch.nn.init._calculate_fan_in_and_fan_out (dims >= 2). */
export function calculateFans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length < 2) {
    throw new NNError('init', `fan in and fan out need a weight with at least 2 dims, got shape [${shape.join(', ')}]`);
  }
  let receptive = 1;
  for (let i = 2; i < shape.length; i++) receptive *= shape[i]!;
  return { fanIn: shape[1]! * receptive, fanOut: shape[0]! * receptive };
}

/** The recommended gain for a non-linearity (torch.nn.init.calculate_gain). */
export function calculateGain(nonlinearity: Nonlinearity, param = 0.01): number {
  switch (nonlinearity) {
    case 'linear':
    case 'conv2d':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu':
      return Math.sqrt(2 / (1 + param * param));
  }
}

function fillWith(a: NDArray, draw: () => number): NDArray {
  const d = a.data;
  if (a.isContiguous) {
    const end = a.offset + a.size;
    for (let i = a.offset; i < end; i++) d[i] = draw();
  } else {
    const offs = a.offsets();
    for (let i = 0; i < offs.length; i++) d[offs[i]!] = draw();
  }
  a.storage.version++;
  return a;
}

/** Fills with U(low, high). */
export function uniform(a: NDArray, low = 0, high = 1, opts: InitOptions = {}): NDArray {
  const g = opts.generator ?? defaultGenerator;
  const span = high - low;
  return fillWith(a, () => low + span * g.random());
}

/** Fills with N(mean, std^2). */
export function normal(a: NDArray, mean = 0, std = 1, opts: InitOptions = {}): NDArray {
  const g = opts.generator ?? defaultGenerator;
  return fillWith(a, () => mean + std * g.normal());
}

/** Fills with a constant. */
export function constant(a: NDArray, value: number): NDArray {
  return fillWith(a, () => value);
}

/** Fills with zeros. */
export function zeros(a: NDArray): NDArray {
  return constant(a, 0);
}

/** Fills with ones. */
export function ones(a: NDArray): NDArray {
  return constant(a, 1);
}

/** Options of the kaiming initialisers. */
export interface KaimingOptions extends InitOptions {
  a?: number;
  mode?: FanMode;
  nonlinearity?: 'relu' | 'leaky_relu' | 'linear';
}

// std = gain / sqrt(fan) (He et al. 2015, eq. 10), gain from calculate_gain.
function kaimingStd(shape: readonly number[], opts: KaimingOptions): number {
  const fans = calculateFans(shape);
  const fan = (opts.mode ?? 'fan_in') === 'fan_in' ? fans.fanIn : fans.fanOut;
  if (fan === 0) throw new NNError('init', `kaiming init of a zero-element weight of shape [${shape.join(', ')}]`);
  return calculateGain(opts.nonlinearity ?? 'leaky_relu', opts.a ?? 0) / Math.sqrt(fan);
}

/** Fills with U(-b, b), b = gain*sqrt(3/fan) (torch.nn.init.kaiming_uniform_). */
export function kaimingUniform(a: NDArray, opts: KaimingOptions = {}): NDArray {
  const bound = Math.sqrt(3) * kaimingStd(a.shape, opts);
  return uniform(a, -bound, bound, opts);
}

/** Fills with N(0, (gain/sqrt(fan))^2) (torch.nn.init.kaiming_normal_). */
export function kaimingNormal(a: NDArray, opts: KaimingOptions = {}): NDArray {
  return normal(a, 0, kaimingStd(a.shape, opts), opts);
}

/**
 * PyTorch's default init of a Conv2d/Linear layer: weight kaiming_uniform(a=sqrt(5)), which is
 * U(+-1/sqrt(fan_in)), then the bias U(+-1/sqrt(fan_in)).
 */
export function defaultLayerInit(weight: NDArray, bias: NDArray | null, opts: InitOptions = {}): void {
  kaimingUniform(weight, { a: Math.sqrt(5), mode: 'fan_in', nonlinearity: 'leaky_relu', ...opts });
  if (bias !== null) {
    const { fanIn } = calculateFans(weight.shape);
    const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
    uniform(bias, -bound, bound, opts);
  }
}
