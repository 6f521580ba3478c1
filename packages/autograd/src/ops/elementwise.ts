// Differentiable element-wise Functions (broadcasting binaries, unaries, clamp, where).
import * as K from '@adder/tensor';
import type { NDArray } from '@adder/tensor';
import { sumToShape } from '../broadcast';
import { AutogradError } from '../errors';
import { defineFunction } from '../function';
import { Tensor } from '../tensor';

/** A binary operand: a Tensor, or a plain number that becomes a constant of the other's dtype. */
export type Operand = Tensor | number;

function constantLike(x: number, like: Tensor): Tensor {
  return new Tensor(K.full([], x, like.dtype));
}

/** Resolves (a, b) where either may be a number into two tensors. */
function operands(op: string, a: Operand, b: Operand): [Tensor, Tensor] {
  if (typeof a === 'number') {
    if (typeof b === 'number') throw new AutogradError(op, `expected at least one Tensor operand, got two numbers (${a}, ${b})`);
    return [constantLike(a, b), b];
  }
  return [a, typeof b === 'number' ? constantLike(b, a) : b];
}

/** What a binary Function saves: both operands (whose shapes its backward reduces the gradient to). */
interface Operands {
  a: NDArray;
  b: NDArray;
}
/** The operands' shapes, for the binary Functions whose gradient does not need their values. */
interface OperandShapes {
  aShape: readonly number[];
  bShape: readonly number[];
}

// The binary Functions broadcast: the output gradient g has the broadcast shape, and each operand's
// gradient is summed back over the dims that broadcasting stretched (sumToShape) to that operand's shape.
const AddFn = defineFunction<{}, OperandShapes>({
  name: 'add',
  forward(ctx, a: NDArray, b: NDArray) {
    ctx.save({ aShape: a.shape, bShape: b.shape });
    return K.add(a, b);
  },
  backward(ctx, g) {
    const { aShape, bShape } = ctx.saved;
    const [needA, needB] = ctx.needsInputGrad;
    return [needA ? sumToShape(g, aShape) : null, needB ? sumToShape(g, bShape) : null];
  },
});
const SubFn = defineFunction<{}, OperandShapes>({
  name: 'sub',
  forward(ctx, a: NDArray, b: NDArray) {
    ctx.save({ aShape: a.shape, bShape: b.shape });
    return K.sub(a, b);
  },
  backward(ctx, g) {
    const { aShape, bShape } = ctx.saved;
    const [needA, needB] = ctx.needsInputGrad;
    return [needA ? sumToShape(g, aShape) : null, needB ? sumToShape(K.neg(g), bShape) : null];
  },
});
const MulFn = defineFunction<{}, Operands>({
  name: 'mul',
  forward(ctx, a: NDArray, b: NDArray) {
    ctx.save({ a, b });
    return K.mul(a, b);
  },
  backward(ctx, g) {
    const { a, b } = ctx.saved;
    const [needA, needB] = ctx.needsInputGrad;
    return [needA ? sumToShape(K.mul(g, b), a.shape) : null, needB ? sumToShape(K.mul(g, a), b.shape) : null];
  },
});
const DivFn = defineFunction<{}, Operands>({
  name: 'div',
  forward(ctx, a: NDArray, b: NDArray) {
    ctx.save({ a, b });
    return K.div(a, b);
  },
  // d(a/b)/da = 1/b, d(a/b)/db = -a/b^2
  backward(ctx, g) {
    const { a, b } = ctx.saved;
    const [needA, needB] = ctx.needsInputGrad;
    const ga = needA ? sumToShape(K.div(g, b), a.shape) : null;
    const gb = needB ? sumToShape(K.neg(K.div(K.mul(g, a), K.mul(b, b))), b.shape) : null;
    return [ga, gb];
  },
});
const PowFn = defineFunction<{}, Operands & { out: NDArray }>({
  name: 'pow',
  forward(ctx, a: NDArray, b: NDArray) {
    const out = K.pow(a, b);
    ctx.save({ a, b, out });
    return out;
  },
  // d(a^b)/da = b a^(b-1), d(a^b)/db = a^b ln a
  backward(ctx, g) {
    const { a, b, out } = ctx.saved;
    const [needA, needB] = ctx.needsInputGrad;
    const ga = needA ? sumToShape(K.mul(g, K.mul(b, K.pow(a, K.sub(b, 1)))), a.shape) : null;
    const gb = needB ? sumToShape(K.mul(g, K.mul(out, K.log(a))), b.shape) : null;
    return [ga, gb];
  },
});

/** Weight of `a` in maximum/minimum's gradient: 1 where a wins, 0.5 on ties (as PyTorch), 0 otherwise. */
function winnerWeight(a: NDArray, b: NDArray, wins: NDArray): NDArray {
  return K.add(wins.cast(a.dtype), K.mulScalar(K.eq(a, b).cast(a.dtype), 0.5));
}
const MaximumFn = defineFunction<{}, Operands>({
  name: 'maximum',
  forward(ctx, a: NDArray, b: NDArray) {
    ctx.save({ a, b });
    return K.maximum(a, b);
  },
  backward(ctx, g) {
    const { a, b } = ctx.saved;
    const [needA, needB] = ctx.needsInputGrad;
    const wa = winnerWeight(a, b, K.gt(a, b));
    return [needA ? sumToShape(K.mul(g, wa), a.shape) : null, needB ? sumToShape(K.mul(g, K.sub(1, wa)), b.shape) : null];
  },
});
const MinimumFn = defineFunction<{}, Operands>({
  name: 'minimum',
  forward(ctx, a: NDArray, b: NDArray) {
    ctx.save({ a, b });
    return K.minimum(a, b);
  },
  backward(ctx, g) {
    const { a, b } = ctx.saved;
    const [needA, needB] = ctx.needsInputGrad;
    const wa = winnerWeight(a, b, K.lt(a, b));
    return [needA ? sumToShape(K.mul(g, wa), a.shape) : null, needB ? sumToShape(K.mul(g, K.sub(1, wa)), b.shape) : null];
  },
});

const NegFn = defineFunction({ name: 'neg', forward: (_ctx, a: NDArray) => K.neg(a), backward: (_ctx, g) => [K.neg(g)] });
/** What a unary Function saves: its input `a` or its output `out`. */
type Input = { a: NDArray };
type Output = { out: NDArray };

const AbsFn = defineFunction<{}, Input>({
  name: 'abs',
  forward(ctx, a: NDArray) {
    ctx.save({ a });
    return K.abs(a);
  },
  backward: (ctx, g) => [K.mul(g, K.sign(ctx.saved.a))],
});
const ExpFn = defineFunction<{}, Output>({
  name: 'exp',
  forward(ctx, a: NDArray) {
    const out = K.exp(a);
    ctx.save({ out });
    return out;
  },
  backward: (ctx, g) => [K.mul(g, ctx.saved.out)],
});
const LogFn = defineFunction<{}, Input>({
  name: 'log',
  forward(ctx, a: NDArray) {
    ctx.save({ a });
    return K.log(a);
  },
  backward: (ctx, g) => [K.div(g, ctx.saved.a)],
});
const SqrtFn = defineFunction<{}, Output>({
  name: 'sqrt',
  forward(ctx, a: NDArray) {
    const out = K.sqrt(a);
    ctx.save({ out });
    return out;
  },
  // d sqrt(a) = 1 / (2 sqrt(a))
  backward: (ctx, g) => [K.div(g, K.mulScalar(ctx.saved.out, 2))],
});
const RsqrtFn = defineFunction<{}, Output>({
  name: 'rsqrt',
  forward(ctx, a: NDArray) {
    const out = K.rsqrt(a);
    ctx.save({ out });
    return out;
  },
  // d a^(-1/2) = -1/2 a^(-3/2) = -out^3 / 2
  backward(ctx, g) {
    const { out } = ctx.saved;
    return [K.mul(g, K.mulScalar(K.mul(out, K.square(out)), -0.5))];
  },
});
const ReluFn = defineFunction<{}, Output>({
  name: 'relu',
  forward(ctx, a: NDArray) {
    const out = K.relu(a);
    ctx.save({ out });
    return out;
  },
  backward: (ctx, g) => [K.where(K.gt(ctx.saved.out, 0), g, 0)],
});
const SigmoidFn = defineFunction<{}, Output>({
  name: 'sigmoid',
  forward(ctx, a: NDArray) {
    const out = K.sigmoid(a);
    ctx.save({ out });
    return out;
  },
  // s' = s (1 - s)
  backward(ctx, g) {
    const s = ctx.saved.out;
    return [K.mul(g, K.mul(s, K.sub(1, s)))];
  },
});
const TanhFn = defineFunction<{}, Output>({
  name: 'tanh',
  forward(ctx, a: NDArray) {
    const out = K.tanh(a);
    ctx.save({ out });
    return out;
  },
  // tanh' = 1 - tanh^2
  backward(ctx, g) {
    const t = ctx.saved.out;
    return [K.mul(g, K.sub(1, K.square(t)))];
  },
});
const SquareFn = defineFunction<{}, Input>({
  name: 'square',
  forward(ctx, a: NDArray) {
    ctx.save({ a });
    return K.square(a);
  },
  backward: (ctx, g) => [K.mul(g, K.mulScalar(ctx.saved.a, 2))],
});

/** Options of clamp: the bounds (either may be infinite). */
export interface ClampOptions {
  min: number;
  max: number;
}
const ClampFn = defineFunction<ClampOptions, Input>({
  name: 'clamp',
  forward(ctx, a: NDArray) {
    ctx.save({ a });
    return K.clamp(a, ctx.options.min, ctx.options.max);
  },
  // the gradient passes where min <= a <= max (torch.clamp)
  backward(ctx, g) {
    const { a } = ctx.saved;
    const inside = K.mul(K.ge(a, ctx.options.min), K.le(a, ctx.options.max));
    return [K.where(inside, g, 0)];
  },
});

const WhereFn = defineFunction<{}, OperandShapes & { mask: NDArray }>({
  name: 'where',
  forward(ctx, mask: NDArray, a: NDArray, b: NDArray) {
    ctx.save({ mask, aShape: a.shape, bShape: b.shape });
    return K.where(mask, a, b);
  },
  // mask, a and b broadcast together: each branch's gradient is summed back to its operand's shape
  backward(ctx, g) {
    const { mask, aShape, bShape } = ctx.saved;
    const [, needA, needB] = ctx.needsInputGrad;
    return [null, needA ? sumToShape(K.where(mask, g, 0), aShape) : null, needB ? sumToShape(K.where(mask, 0, g), bShape) : null];
  },
});

/** a + b with broadcasting. */
export function add(a: Operand, b: Operand): Tensor {
  const [x, y] = operands('add', a, b);
  return AddFn(x, y);
}
/** a - b with broadcasting. */
export function sub(a: Operand, b: Operand): Tensor {
  const [x, y] = operands('sub', a, b);
  return SubFn(x, y);
}
/** a * b with broadcasting. */
export function mul(a: Operand, b: Operand): Tensor {
  const [x, y] = operands('mul', a, b);
  return MulFn(x, y);
}
/** a / b with broadcasting. */
export function div(a: Operand, b: Operand): Tensor {
  const [x, y] = operands('div', a, b);
  return DivFn(x, y);
}
/** a ** b with broadcasting (the gradient in b needs a > 0). */
export function pow(a: Operand, b: Operand): Tensor {
  const [x, y] = operands('pow', a, b);
  return PowFn(x, y);
}
/** Element-wise maximum; ties split the gradient equally. */
export function maximum(a: Operand, b: Operand): Tensor {
  const [x, y] = operands('maximum', a, b);
  return MaximumFn(x, y);
}
/** Element-wise minimum; ties split the gradient equally. */
export function minimum(a: Operand, b: Operand): Tensor {
  const [x, y] = operands('minimum', a, b);
  return MinimumFn(x, y);
}
/** -a. */
export const neg = (a: Tensor): Tensor => NegFn(a);
/** |a| (gradient sign(a), 0 at 0). */
export const abs = (a: Tensor): Tensor => AbsFn(a);
/** e^a. */
export const exp = (a: Tensor): Tensor => ExpFn(a);
/** Natural log. */
export const log = (a: Tensor): Tensor => LogFn(a);
/** Square root. */
export const sqrt = (a: Tensor): Tensor => SqrtFn(a);
/** 1 / sqrt(a) (torch.rsqrt). */
export const rsqrt = (a: Tensor): Tensor => RsqrtFn(a);
/** max(a, 0) (gradient 0 at 0). */
export const relu = (a: Tensor): Tensor => ReluFn(a);
/** Logistic sigmoid. */
export const sigmoid = (a: Tensor): Tensor => SigmoidFn(a);
/** tanh. */
export const tanh = (a: Tensor): Tensor => TanhFn(a);
/** a * a. */
export const square = (a: Tensor): Tensor => SquareFn(a);
/** Clamps into [min, max]; the gradient flows where min <= a <= max. */
export function clamp(a: Tensor, min = -Infinity, max = Infinity): Tensor {
  return ClampFn(a, { min, max });
}
/** mask ? a : b with broadcasting; the mask (any dtype, non-zero = true) gets no gradient. */
export function where(mask: Tensor | NDArray, a: Operand, b: Operand): Tensor {
  const [x, y] = operands('where', a, b);
  return WhereFn(mask instanceof Tensor ? mask : new Tensor(mask), x, y);
}
