// The differentiable vector norm as torch.norm(x, p, dim, keepdim): p = 2 ('fro'), 1, Infinity, -Infinity, 0 or any
// other p, over all elements or a set of dims. The gradient follows torch 1.13's norm_backward, including its
// values where the norm (or an element) is 0.
import * as K from '@adder/tensor';
import type { Axes, NDArray } from '@adder/tensor';
import { AutogradError } from '../errors';
import { defineFunction } from '../function';
import type { Tensor } from '../tensor';
import { everyDimWhenEmpty, expandBack } from './reduce';

/** Options of the norm Function: the order p and the dims. */
interface NormFnOptions {
  p: number;
  axes: Axes;
  keepdim: boolean;
}

/** ||x||_p over the axes: (sum |x|^p)^(1/p); max |x| for p = inf, min |x| for -inf, the count of non-zeros for 0. */
function vectorNorm(a: NDArray, { p, axes, keepdim }: NormFnOptions): NDArray {
  if (p === 2) return K.sqrt(K.sum(K.square(a), axes, keepdim));
  const abs = K.abs(a);
  if (p === 1) return K.sum(abs, axes, keepdim);
  if (p === Infinity) return K.max(abs, axes, keepdim);
  if (p === -Infinity) return K.min(abs, axes, keepdim);
  if (p === 0) return K.sum(K.ne(a, 0), axes, keepdim).cast(a.dtype);
  return K.powScalar(K.sum(K.powScalar(abs, p), axes, keepdim), 1 / p);
}

/** Zero where the expanded norm is zero, `v` elsewhere (torch masks scale_v where norm == 0). */
const zeroWhereNormZero = (normB: NDArray, v: NDArray): NDArray => K.where(K.eq(normB, 0), 0, v);

/** d||x||_p / dx times g, as torch 1.13's norm_backward (self_scaled * scale_v per range of p). */
function normBackward(a: NDArray, norm: NDArray, g: NDArray, { p, axes }: NormFnOptions): NDArray {
  const gB = expandBack(g, a.shape, axes);
  const normB = expandBack(norm, a.shape, axes);
  if (p === 0) return K.zeros(a.shape, a.dtype);
  if (p === 1) return K.mul(K.sign(a), gB);
  // x / ||x|| * g
  if (p === 2) return K.mul(a, zeroWhereNormZero(normB, K.div(gB, normB)));
  if (p === Infinity || p === -Infinity) {
    // the elements whose |x| is the norm (or NaN) share g evenly, with x's sign
    const abs = K.abs(a);
    const hit = K.maximum(K.eq(abs, normB), K.ne(abs, abs));
    const count = K.sum(hit, axes, true).cast(a.dtype);
    return K.mul(K.sign(a), K.where(hit, K.div(gB, count), 0));
  }
  const abs = K.abs(a);
  if (p < 1) {
    // sgn(x) |x|^(p-1) (0 where x = 0) * g * ||x||^(1-p)
    const scaled = K.where(K.eq(a, 0), 0, K.mul(K.sign(a), K.powScalar(abs, p - 1)));
    return K.mul(K.mul(scaled, gB), K.powScalar(normB, 1 - p));
  }
  // sgn(x) |x|^(p-1) * g / ||x||^(p-1), written x |x|^(p-2) for p >= 2 as torch does
  const scaled = p < 2 ? K.mul(K.sign(a), K.powScalar(abs, p - 1)) : K.mul(a, K.powScalar(abs, p - 2));
  return K.mul(scaled, zeroWhereNormZero(normB, K.div(gB, K.powScalar(normB, p - 1))));
}

const NormFn = defineFunction<NormFnOptions, { a: NDArray; out: NDArray }>({
  name: 'norm',
  forward(ctx, a: NDArray) {
    a.assertFloat('norm');
    const out = vectorNorm(a, ctx.options);
    ctx.save({ a, out });
    return out;
  },
  backward: (ctx, g) => [normBackward(ctx.saved.a, ctx.saved.out, g, ctx.options)],
});

/** The order of a norm: a number (Infinity and -Infinity included) or 'fro' (the 2-norm over at most two dims). */
export type NormOrder = number | 'fro';

/**
 * torch.norm(x, p='fro', dim=None, keepdim=False): the vector p-norm of all elements, or over `dim` (one or several
 * dims; [] is every dim, as torch's). 'fro' is the 2-norm over all elements or over one or two dims; the nuclear
 * norm ('nuc') is not supported.
 */
export function norm(a: Tensor, p: NormOrder = 'fro', dimArg?: Axes, keepdim = false): Tensor {
  K.normalizeAxes('norm', dimArg, a.ndim);
  const dim = everyDimWhenEmpty(dimArg);
  if (p === 'fro') {
    if (Array.isArray(dim) && dim.length > 2) throw new AutogradError('norm', `'fro' takes at most 2 dims, got ${JSON.stringify(dim)}`);
    return NormFn(a, { p: 2, axes: dim, keepdim });
  }
  if (typeof p !== 'number' || Number.isNaN(p)) {
    throw new AutogradError('norm', `p must be a number, Infinity, -Infinity or 'fro' (the nuclear norm 'nuc' is not supported), got ${JSON.stringify(p)}`);
  }
  if (typeof keepdim !== 'boolean') throw new AutogradError('norm', `keepdim must be a boolean, got ${String(keepdim)}`);
  return NormFn(a, { p, axes: dim, keepdim });
}
