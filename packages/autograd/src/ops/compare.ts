// Non-differentiable ops exposed on Tensors: comparisons (uint8 masks), argmax/argmin and sign.
// Their results never require grad (their derivative is zero or undefined everywhere).
import * as K from '@adder/tensor';
import { Tensor } from '../tensor';

type Side = Tensor | number;
const raw = (x: Side): K.NDArray | number => (typeof x === 'number' ? x : x.data);

/** a == b as a uint8 0/1 mask. */
export const eq = (a: Side, b: Side): Tensor => new Tensor(K.eq(raw(a), raw(b)));
/** a != b mask. */
export const ne = (a: Side, b: Side): Tensor => new Tensor(K.ne(raw(a), raw(b)));
/** a < b mask. */
export const lt = (a: Side, b: Side): Tensor => new Tensor(K.lt(raw(a), raw(b)));
/** a <= b mask. */
export const le = (a: Side, b: Side): Tensor => new Tensor(K.le(raw(a), raw(b)));
/** a > b mask. */
export const gt = (a: Side, b: Side): Tensor => new Tensor(K.gt(raw(a), raw(b)));
/** a >= b mask. */
export const ge = (a: Side, b: Side): Tensor => new Tensor(K.ge(raw(a), raw(b)));
/** int32 index of the max along an axis (flat index over all when undefined). */
export const argmax = (a: Tensor, axis?: number, keepdim = false): Tensor => new Tensor(K.argmax(a.data, axis, keepdim));
/** int32 index of the min along an axis. */
export const argmin = (a: Tensor, axis?: number, keepdim = false): Tensor => new Tensor(K.argmin(a.data, axis, keepdim));
/** sign(a) in {-1, 0, 1} (no gradient: it is zero almost everywhere). */
export const sign = (a: Tensor): Tensor => new Tensor(K.sign(a.data));
