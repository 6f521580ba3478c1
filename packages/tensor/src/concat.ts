// Joining arrays: concat along an existing axis (torch.cat) and stack along a new one (torch.stack).
import { TensorError, fmtShape } from './errors';
import { NDArray } from './ndarray';
import { normalizeAxis, numelOf } from './shape';
import { Storage } from './storage';

/** Concatenates along `axis` (torch.cat): same dtype and rank, equal sizes on every other axis. */
export function concat(arrays: readonly NDArray[], axis = 0): NDArray {
  if (arrays.length === 0) throw new TensorError('concat', 'expected a non-empty list of arrays');
  const first = arrays[0]!;
  if (first.ndim === 0) throw new TensorError('concat', 'zero-dimensional arrays cannot be concatenated');
  const ax = normalizeAxis('concat', axis, first.ndim);
  let total = 0;
  for (const [i, a] of arrays.entries()) {
    if (a.dtype !== first.dtype) throw new TensorError('concat', `array ${i} has dtype ${a.dtype}, expected ${first.dtype}`);
    if (a.ndim !== first.ndim || a.shape.some((d, k) => k !== ax && d !== first.shape[k])) {
      throw new TensorError('concat', `array ${i} has shape ${fmtShape(a.shape)}, incompatible with ${fmtShape(first.shape)} along axis ${ax}`);
    }
    total += a.shape[ax]!;
  }
  const shape = [...first.shape];
  shape[ax] = total;
  const out = Storage.alloc(first.dtype, numelOf(shape));
  const outer = numelOf(first.shape.slice(0, ax));
  const inner = numelOf(first.shape.slice(ax + 1));
  const rowLen = total * inner;
  let at = 0;
  for (const a of arrays) {
    // each outer row of the output is the arrays' rows one after another
    const chunk = a.shape[ax]! * inner;
    const src = a.isContiguous ? a : a.clone();
    const sd = src.data;
    for (let o = 0; o < outer; o++) {
      const s = src.offset + o * chunk;
      out.data.set(sd.subarray(s, s + chunk), o * rowLen + at);
    }
    at += chunk;
  }
  return new NDArray(out, shape);
}

/** Stacks equally shaped arrays along a new `axis` (torch.stack). */
export function stack(arrays: readonly NDArray[], axis = 0): NDArray {
  if (arrays.length === 0) throw new TensorError('stack', 'expected a non-empty list of arrays');
  const first = arrays[0]!;
  const ax = normalizeAxis('stack', axis, first.ndim + 1);
  for (const [i, a] of arrays.entries()) {
    if (a.ndim !== first.ndim || a.shape.some((d, k) => d !== first.shape[k])) {
      throw new TensorError('stack', `array ${i} has shape ${fmtShape(a.shape)}, expected ${fmtShape(first.shape)} like array 0`);
    }
  }
  return concat(arrays.map((a) => a.unsqueeze(ax)), ax);
}
