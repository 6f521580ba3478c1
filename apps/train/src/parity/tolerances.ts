// Every parity tolerance in one place, each with its justification. A comparison passes when
// max|actual - expected| <= atol + rtol * max|expected|: the expected values are exact (float64,
// rounded once to float32), the engine computes in float32 (unit roundoff u = 2^-24 ~ 6e-8), so the
// bound is the float32 accumulation error of the longest reduction, normwise, plus margin.

/** A normwise tolerance and the reason for its size. */
export interface Tolerance {
  atol: number;
  rtol: number;
  why: string;
}

/** float32 unit roundoff. */
export const FLOAT32_U = 2 ** -24;

/** The tolerance of each comparison family (op fixtures by op, model fixtures by what is compared). */
export const TOLERANCES = {
  conv2d: {
    atol: 1e-6,
    rtol: 2e-5,
    why: 'float32 sums of K products, K <= 70 here (grad_weight sums N*Ho*Wo); worst case K*u = 4e-6 of sum|terms|, and sum|terms| may exceed max|result| several times for random signs',
  },
  adder2d: {
    atol: 1e-6,
    rtol: 2e-5,
    why: 'out sums K = Cin*k*k <= 36 same-sign |x - w| (relative error <= K*u); dW sums N*Ho*Wo <= 70 terms and is normalised (one more sum of numel(W) squares); dX sums Cout*taps <= 45',
  },
  batch_norm2d: {
    atol: 1e-6,
    rtol: 1e-4,
    why: 'means and variances are float32 sums of N*H*W <= 60 terms; with mean -300 and std 3 the centring loses log2(100) ~ 7 bits, so errors of 100*K*u ~ 4e-4 of the std are possible, 1e-4 is typical',
  },
  distillation: {
    atol: 1e-6,
    rtol: 1e-5,
    why: 'two float32 log-softmaxes over 10 classes (one of teacher logits of scale 3 / T), an exp, and means over 8 rows scaled by T^2 <= 16: ~16*(C + N)*u ~ 2e-5 worst case; 1e-5 normwise as for cross_entropy',
  },
  cross_entropy: {
    atol: 1e-6,
    rtol: 1e-5,
    why: 'log-softmax over C <= 10 classes and a mean over N <= 8 rows; logits of scale 30 make exp/log lose ~log2(30) bits, so ~30*(C + N)*u ~ 3e-5 worst case, 1e-5 normwise is ample for the typical case',
  },
  norm: {
    atol: 1e-6,
    rtol: 2e-5,
    why: 'layer/group norm: float32 means and variances of <= 40 terms (K*u = 2.4e-6 each), a rsqrt, and backward sums of the same length through the composed ops; inputs of std <= 2 lose no bits to centring',
  },
  pooling: {
    atol: 1e-6,
    rtol: 1e-5,
    why: 'average windows sum <= 9 taps (adaptive: <= 12) in float64 and divide once, max pooling is exact; the backward adds <= 4 overlapping window shares per pixel: ~4u rounding',
  },
  loss: {
    atol: 1e-6,
    rtol: 1e-5,
    why: 'element-wise losses over <= 24 elements: a log1p/exp per element (logits up to 35 in magnitude lose no bits in the stable form) and one float32 mean: ~(24 + 4)*u = 1.7e-6',
  },
  sgd: {
    atol: 1e-7,
    rtol: 2e-6,
    why: '5 steps of a few float32 multiply-adds per element (weight decay, momentum, Nesterov): ~4 roundings per step, 20*u = 1.2e-6',
  },
  modelLogits: {
    atol: 1e-5,
    rtol: 2e-4,
    why: '20 float32 layers; an adder output sums up to K = 576 same-sign terms (worst K*u = 3.4e-5, typical sqrt(K)*u = 1.5e-6) and the BN after it centres values of mean ~-300 and std ~10-30, amplifying ~10x; 20 such layers give ~7e-5 typical, 7e-4 worst case (torch float32 on the official checkpoint is 1e-4 off its float64 answer)',
  },
  modelGrads: {
    atol: 1e-5,
    rtol: 5e-4,
    why: 'the backward retraces the 20 layers (its errors add to the forward ones, ~2x the logits bound) and a ReLU mask may flip where a float32 pre-activation lies within ~1e-6 of 0; the adder dW renormalisation adds only K*u',
  },
  modelState: {
    atol: 1e-5,
    rtol: 1e-4,
    why: 'parameters move by lr*grad per step (lr <= 0.1), so gradient errors shrink >= 10x relative to the parameters; BN running statistics carry the forward error of their layer (~1e-4 of |mean| ~ 300 at most)',
  },
  checkpointLogits: {
    atol: 0,
    rtol: 1e-3,
    why: 'the official checkpoint has large weights (adder std 5-10, BN means down to -3,200, a running variance of 7.6e-15); PyTorch float32 itself is 6.5e-4 off float64 at max|logit| 7.4 (9e-5 relative), so 1e-3 of max|logit| (the addernet issue\'s bound) leaves ~10x',
  },
} as const satisfies Record<string, Tolerance>;

/** The name of a tolerance family. */
export type ToleranceName = keyof typeof TOLERANCES;
