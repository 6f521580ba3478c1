// Differentiable element-wise activations and functions as torch's: hardtanh, leakyRelu, gelu (exact erf form,
// or 'tanh'), silu, elu, softplus (beta, threshold), logSigmoid, log1p, sin, cos. Each is one Function whose forward and
// backward are scalar loops over the input's elements in row-major order (any layout; float32 results are
// rounded once, when stored). erf has no Math function: `erf` below is accurate to a few ulps in float64.
import { NDArray, Storage } from '@adder/tensor';
import { AutogradError } from '../errors';
import { defineFunction } from '../function';
import { checkOptions } from '../options';
import type { Tensor } from '../tensor';

/** f applied to every element of `a` (read in row-major order), as a new contiguous array of a's dtype. */
function mapArray(op: string, a: NDArray, f: (x: number) => number): NDArray {
  a.assertFloat(op);
  const src = a.contiguous().data;
  const out = Storage.alloc(a.dtype, a.size);
  const d = out.data;
  for (let i = 0; i < d.length; i++) d[i] = f(src[i]!);
  return new NDArray(out, a.shape);
}

/** The gradient f(x, g) per element, from the saved input `a` and the output gradient `g` (same shape). */
function mapGrad(a: NDArray, g: NDArray, f: (x: number, g: number) => number): NDArray {
  const xs = a.contiguous().data;
  const gs = g.contiguous().data;
  const out = Storage.alloc(g.dtype, g.size);
  const d = out.data;
  for (let i = 0; i < d.length; i++) d[i] = f(xs[i]!, gs[i]!);
  return new NDArray(out, g.shape);
}

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/**
 * The error function. |x| < 2.5: erf(x) = 2/sqrt(pi) e^(-x^2) sum_n (2x^2)^n x / (1*3*...*(2n+1)), a series of
 * positive terms (no cancellation); beyond, erf = 1 - erfc with erfc's continued fraction (Lentz), which
 * converges quickly there. Both are within a few ulps of the correctly rounded value.
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax < 2.5) {
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (2 * x2) / (2 * n + 1);
      sum += term;
      if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
    }
    return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
  }
  const e = erfcLarge(ax);
  return x > 0 ? 1 - e : e - 1;
}

/** erfc(x) for x >= 2.5: e^(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), by modified Lentz. */
function erfcLarge(x: number): number {
  if (x > 27) return 0;
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const an = n / 2;
    d = x + an * d;
    d = d === 0 ? tiny : d;
    c = x + an / c;
    c = c === 0 ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

/** What an activation saves: its input. */
type Input = { a: NDArray };

/** Registers a unary Function from its scalar forward and its scalar gradient d/dx * g (options typed O). */
function defineUnary<O extends object>(name: string, f: (x: number, o: O) => number, df: (x: number, g: number, o: O) => number) {
  return defineFunction<O, Input>({
    name,
    forward(ctx, a: NDArray) {
      ctx.save({ a });
      const o = ctx.options;
      return mapArray(name, a, (x) => f(x, o));
    },
    backward(ctx, g) {
      const o = ctx.options;
      return [mapGrad(ctx.saved.a, g, (x, gi) => df(x, gi, o))];
    },
  });
}

/** Options of hardtanh: the bounds (torch's min_val, max_val). */
export interface HardtanhOptions {
  minVal: number;
  maxVal: number;
}
// torch's hardtanh_backward passes the gradient strictly inside (min, max): zero at the bounds (clamp passes it there)
const HardtanhFn = defineUnary<HardtanhOptions>(
  'hardtanh',
  (x, o) => (x < o.minVal ? o.minVal : x > o.maxVal ? o.maxVal : x),
  (x, g, o) => (x > o.minVal && x < o.maxVal ? g : 0),
);

const LeakyReluFn = defineUnary<{ negativeSlope: number }>(
  'leakyRelu',
  (x, o) => (x > 0 ? x : x * o.negativeSlope),
  (x, g, o) => (x > 0 ? g : g * o.negativeSlope),
);

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const GELU_C = 0.044715;

/** Options of gelu: torch's approximate, 'none' (x * Phi(x), with erf) or 'tanh'. */
export interface GeluOptions {
  approximate?: 'none' | 'tanh';
}
const GeluFn = defineUnary<{ tanh: boolean }>(
  'gelu',
  (x, o) => {
    if (o.tanh) return 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + GELU_C * x * x * x)));
    return 0.5 * x * (1 + erf(x * SQRT1_2));
  },
  (x, g, o) => {
    if (o.tanh) {
      const t = Math.tanh(SQRT_2_OVER_PI * (x + GELU_C * x * x * x));
      return g * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * GELU_C * x * x));
    }
    // d/dx x Phi(x) = Phi(x) + x phi(x)
    return g * (0.5 * (1 + erf(x * SQRT1_2)) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x));
  },
);

const sigmoidOf = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
const SiluFn = defineUnary<{}>(
  'silu',
  (x) => x * sigmoidOf(x),
  (x, g) => {
    const s = sigmoidOf(x);
    return g * s * (1 + x * (1 - s));
  },
);

const EluFn = defineUnary<{ alpha: number }>(
  'elu',
  (x, o) => (x > 0 ? x : o.alpha * Math.expm1(x)),
  (x, g, o) => (x > 0 ? g : g * o.alpha * Math.exp(x)),
);

/** Options of softplus as torch's: beta and threshold (above beta*x > threshold the function is x). */
export interface SoftplusOptions {
  beta: number;
  threshold: number;
}
const SoftplusFn = defineUnary<SoftplusOptions>(
  'softplus',
  (x, o) => (x * o.beta > o.threshold ? x : Math.log1p(Math.exp(x * o.beta)) / o.beta),
  (x, g, o) => {
    if (x * o.beta > o.threshold) return g;
    const z = Math.exp(x * o.beta);
    return (g * z) / (z + 1);
  },
);

// log sigmoid(x) = min(x, 0) - log1p(e^-|x|), finite for every finite x; its derivative is sigmoid(-x)
const LogSigmoidFn = defineUnary<{}>(
  'logSigmoid',
  (x) => Math.min(x, 0) - Math.log1p(Math.exp(-Math.abs(x))),
  (x, g) => (x >= 0 ? (g * Math.exp(-x)) / (1 + Math.exp(-x)) : g / (1 + Math.exp(x))),
);

const Log1pFn = defineUnary<{}>('log1p', (x) => Math.log1p(x), (x, g) => g / (1 + x));
const SinFn = defineUnary<{}>('sin', (x) => Math.sin(x), (x, g) => g * Math.cos(x));
const CosFn = defineUnary<{}>('cos', (x) => Math.cos(x), (x, g) => -g * Math.sin(x));

function finite(op: string, name: string, v: number): void {
  if (typeof v !== 'number' || Number.isNaN(v)) throw new AutogradError(op, `${name} must be a number, got ${String(v)}`);
}

/** torch.nn.functional.hardtanh: clamps into [minVal, maxVal]; the gradient passes strictly inside. */
export function hardtanh(x: Tensor, minVal = -1, maxVal = 1): Tensor {
  finite('hardtanh', 'minVal', minVal);
  finite('hardtanh', 'maxVal', maxVal);
  if (minVal > maxVal) throw new AutogradError('hardtanh', `minVal ${minVal} cannot be greater than maxVal ${maxVal}`);
  return HardtanhFn(x, { minVal, maxVal });
}
/** torch.nn.functional.leaky_relu: x for x > 0, negativeSlope * x otherwise (default 0.01). */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  finite('leakyRelu', 'negativeSlope', negativeSlope);
  return LeakyReluFn(x, { negativeSlope });
}
/** torch.nn.functional.gelu: x * Phi(x) with the exact erf (default), or torch's 'tanh' approximation. */
export function gelu(x: Tensor, options: GeluOptions = {}): Tensor {
  checkOptions('gelu', options, ['approximate']);
  const approximate = options.approximate ?? 'none';
  if (approximate !== 'none' && approximate !== 'tanh') {
    throw new AutogradError('gelu', `approximate must be 'none' or 'tanh', got ${JSON.stringify(approximate)}`);
  }
  return GeluFn(x, { tanh: approximate === 'tanh' });
}
/** torch.nn.functional.silu (swish): x * sigmoid(x). */
export const silu = (x: Tensor): Tensor => SiluFn(x);
/** torch.nn.functional.elu: x for x > 0, alpha * (e^x - 1) otherwise (default alpha 1). */
export function elu(x: Tensor, alpha = 1): Tensor {
  finite('elu', 'alpha', alpha);
  return EluFn(x, { alpha });
}
/** torch.nn.functional.softplus: log(1 + e^(beta x)) / beta, and x where beta * x > threshold (defaults 1, 20). */
export function softplus(x: Tensor, beta = 1, threshold = 20): Tensor {
  finite('softplus', 'beta', beta);
  finite('softplus', 'threshold', threshold);
  return SoftplusFn(x, { beta, threshold });
}
/** torch.nn.functional.logsigmoid: log(1 / (1 + e^-x)) in its stable form min(x, 0) - log1p(e^-|x|). */
export const logSigmoid = (x: Tensor): Tensor => LogSigmoidFn(x);
/** log(1 + x), accurate near 0 (torch.log1p). */
export const log1p = (x: Tensor): Tensor => Log1pFn(x);
/** torch.sin. */
export const sin = (x: Tensor): Tensor => SinFn(x);
/** torch.cos. */
export const cos = (x: Tensor): Tensor => CosFn(x);
