// Differentiable shape ops that copy or cut, as torch's: flip and repeat (Functions), split, chunk and t
// (compositions of narrow and transpose, whose Functions record the gradient).
import * as K from '@adder/tensor';
import type { NDArray } from '@adder/tensor';
import { AutogradError } from '../errors';
import { defineFunction } from '../function';
import type { Tensor } from '../tensor';
import { narrow, permute, transpose } from './views';

/** Options of flip: the dims to reverse (normalised, distinct). */
interface FlipOptions {
  axes: readonly number[];
}
// torch.flip copies; its own inverse, so the gradient is the output gradient flipped back
const FlipFn = defineFunction<FlipOptions>({
  name: 'flip',
  forward: (ctx, a: NDArray) => a.flip(ctx.options.axes).contiguous(),
  backward: (ctx, g) => [g.flip(ctx.options.axes).contiguous()],
});

/** Options of repeat: the repeat count per dim (at least the input's dims; extra ones lead). */
interface RepeatOptions {
  repeats: readonly number[];
}
/** The input padded with leading 1s to the repeats' length, and the interleaved [r0, s0, r1, s1, ...] shape. */
function repeatGeometry(shape: readonly number[], repeats: readonly number[]): { padded: number[]; interleaved: number[]; out: number[] } {
  const padded = [...repeats.slice(0, repeats.length - shape.length).map(() => 1), ...shape];
  return {
    padded,
    interleaved: padded.flatMap((s, i) => [repeats[i]!, s]),
    out: padded.map((s, i) => s * repeats[i]!),
  };
}
const RepeatFn = defineFunction<RepeatOptions, { shape: readonly number[] }>({
  name: 'repeat',
  // tile: view x as [1, s0, 1, s1, ...], expand to [r0, s0, r1, s1, ...] and merge each pair
  forward(ctx, a: NDArray) {
    ctx.save({ shape: a.shape });
    const { padded, interleaved, out } = repeatGeometry(a.shape, ctx.options.repeats);
    return a.reshape(padded.flatMap((s) => [1, s])).expand(interleaved).reshape(out);
  },
  // every copy's gradient adds up: split each dim back into (copy, element) and sum over the copies
  backward(ctx, g) {
    const { shape } = ctx.saved;
    const { interleaved } = repeatGeometry(shape, ctx.options.repeats);
    const copies = interleaved.map((_, i) => i).filter((i) => i % 2 === 0);
    return [K.sum(g.reshape(interleaved), copies, false).reshape(shape)];
  },
});

/** torch.flip(x, dims): a copy with the order of the given dims reversed. */
export function flip(a: Tensor, dims: number | readonly number[]): Tensor {
  const list = typeof dims === 'number' ? [dims] : dims;
  if (!Array.isArray(list)) throw new AutogradError('flip', `dims must be a number or an array of numbers, got ${String(dims)}`);
  const axes = K.normalizeAxes('flip', list, a.ndim);
  return FlipFn(a, { axes });
}

/** torch's x.repeat(*sizes): tiles x `sizes[i]` times along dim i; sizes may add leading dims, never drop one. */
export function repeat(a: Tensor, sizes: readonly number[]): Tensor {
  if (!Array.isArray(sizes) || sizes.some((r) => !Number.isInteger(r) || r < 0)) {
    throw new AutogradError('repeat', `sizes must be an array of non-negative integers, got ${JSON.stringify(sizes)}`);
  }
  if (sizes.length < a.ndim) {
    throw new AutogradError('repeat', `got ${sizes.length} repeat sizes for a tensor of ${a.ndim} dims; give at least one per dim`);
  }
  return RepeatFn(a, { repeats: sizes });
}

/**
 * torch.split(x, splitSizeOrSections, dim=0): pieces along `dim`, each a view cut by narrow. An integer gives pieces
 * of that size (the last one smaller); an array gives the sizes, which must add up to the dim's size.
 */
export function split(a: Tensor, splitSizeOrSections: number | readonly number[], dim = 0): Tensor[] {
  const ax = K.normalizeAxis('split', dim, a.ndim);
  const d = a.shape[ax]!;
  let sizes: number[];
  if (typeof splitSizeOrSections === 'number') {
    const size = splitSizeOrSections;
    if (!Number.isInteger(size) || size < 0 || (size === 0 && d !== 0)) {
      throw new AutogradError('split', `split size must be a positive integer, got ${size} for dim ${dim} of size ${d}`);
    }
    const count = size === 0 ? 1 : Math.max(1, Math.ceil(d / size));
    sizes = Array.from({ length: count }, (_, i) => Math.min(size, d - i * size));
  } else if (Array.isArray(splitSizeOrSections)) {
    sizes = [...splitSizeOrSections];
    const total = sizes.reduce((p, s) => p + s, 0);
    if (sizes.some((s) => !Number.isInteger(s) || s < 0) || total !== d) {
      throw new AutogradError('split', `split sizes ${JSON.stringify(sizes)} must be non-negative integers adding up to ${d} (dim ${dim}), they add up to ${total}`);
    }
  } else {
    throw new AutogradError('split', `expected a split size or an array of sizes, got ${String(splitSizeOrSections)}`);
  }
  let start = 0;
  return sizes.map((s) => {
    const piece = narrow(a, ax, start, s);
    start += s;
    return piece;
  });
}

/**
 * torch.chunk(x, chunks, dim=0): at most `chunks` pieces of ceil(size / chunks) along `dim` (the last one smaller),
 * so fewer pieces come back when the size does not allow `chunks`.
 */
export function chunk(a: Tensor, chunks: number, dim = 0): Tensor[] {
  if (!Number.isInteger(chunks) || chunks < 1) throw new AutogradError('chunk', `chunks must be a positive integer, got ${String(chunks)}`);
  const d = a.shape[K.normalizeAxis('chunk', dim, a.ndim)]!;
  // an empty dim gives `chunks` empty pieces, as torch's
  return split(a, d === 0 ? Array.from({ length: chunks }, () => 0) : Math.ceil(d / chunks), dim);
}

/** torch.t(x): a 2-d tensor transposed; a 0-d or 1-d tensor as it is (a new view). */
export function t(a: Tensor): Tensor {
  if (a.ndim > 2) throw new AutogradError('t', `expects a tensor with <= 2 dims, got ${a.ndim} dims (use transpose or mT)`);
  return a.ndim === 2 ? transpose(a, 0, 1) : permute(a, a.ndim === 1 ? [0] : []);
}

/** x.mT: the last two dims swapped (a batch of matrices transposed). */
export function mT(a: Tensor): Tensor {
  if (a.ndim < 2) throw new AutogradError('mT', `expects a tensor with >= 2 dims, got ${a.ndim} dims`);
  return transpose(a, -2, -1);
}
