// Differentiable indexing: gather and indexSelect (the index is an int32 input that gets no gradient).
import * as K from '@adder/tensor';
import type { NDArray } from '@adder/tensor';
import { defineFunction } from '../function';
import { Tensor } from '../tensor';

/** Options of gather and indexSelect: the axis indexed. */
export interface IndexOptions {
  axis: number;
}
/** What gather and indexSelect save: the input's shape and the int32 index. */
interface Indexed {
  shape: readonly number[];
  index: NDArray;
}
const GatherFn = defineFunction<IndexOptions, Indexed>({
  name: 'gather',
  forward(ctx, a: NDArray, index: NDArray) {
    ctx.save({ shape: a.shape, index });
    return K.gather(a, ctx.options.axis, index);
  },
  // each output element came from one input element: scatter-add the gradient back there
  backward: (ctx, g) => [K.scatterAdd(ctx.saved.shape, ctx.options.axis, ctx.saved.index, g), null],
});
const IndexSelectFn = defineFunction<IndexOptions, Indexed>({
  name: 'indexSelect',
  forward(ctx, a: NDArray, index: NDArray) {
    ctx.save({ shape: a.shape, index });
    return K.indexSelect(a, ctx.options.axis, index);
  },
  // indexSelect is a gather with the 1-d index broadcast over the other axes
  backward(ctx, g) {
    const { shape, index } = ctx.saved;
    const ax = K.normalizeAxis('indexSelect', ctx.options.axis, shape.length);
    const full = index.reshape(shape.map((_, i) => (i === ax ? index.size : 1))).expand(g.shape);
    return [K.scatterAdd(shape, ax, full, g), null];
  },
});

const asIndex = (index: Tensor | NDArray): Tensor => (index instanceof Tensor ? index : new Tensor(index));

/** out[i][j] = a[index[i][j]][j] along `axis` (torch.gather); `index` is int32 with a's rank. */
export const gather = (a: Tensor, axis: number, index: Tensor | NDArray): Tensor => GatherFn(a, asIndex(index), { axis });
/** Entries of `a` along `axis` at a 1-d int32 index (torch.index_select). */
export const indexSelect = (a: Tensor, axis: number, index: Tensor | NDArray): Tensor => IndexSelectFn(a, asIndex(index), { axis });
