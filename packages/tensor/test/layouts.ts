// Test helper: the same logical values in different memory layouts (contiguous, transposed, strided with offset).
import { NDArray, assign, fromArray, zeros, type DType } from '../src/index';

/** How an operand is laid out in memory. */
export type Layout = 'contiguous' | 'transposed' | 'strided';
/** All layouts, for fc.constantFrom. */
export const LAYOUTS: readonly Layout[] = ['contiguous', 'transposed', 'strided'];

/** An NDArray holding `data` (row-major values of `shape`) in the requested layout. */
export function withLayout(data: readonly number[], shape: readonly number[], dtype: DType, layout: Layout): NDArray {
  const base = fromArray(Float64Array.from(data), shape).cast(dtype);
  if (layout === 'contiguous' || shape.length < 2) return base;
  if (layout === 'transposed') {
    // a contiguous copy of the transpose, transposed back: same values, swapped strides
    return base.transpose(-2, -1).clone().transpose(-2, -1);
  }
  // every other element of a wider buffer, starting at an odd offset
  const last = shape[shape.length - 1]!;
  const wide = zeros([...shape.slice(0, -1), 2 * last + 1], dtype);
  const view = wide.slice(-1, 1, undefined, 2);
  assign(view, base);
  return view;
}
