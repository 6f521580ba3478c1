// fast-check arbitraries that draw a shape, then a layout (permutation, stepped and offset slices, flips,
// stride-0 expands), and return the strided NDArray together with its dense oracle copy (MiniTorch style).
import fc from 'fast-check';
import { expect } from 'vitest';
import { NDArray, Storage, type DType } from '../src/index';
import { type Dense, build, closeTo, numel, ravel } from './oracle';

/** A strided array and the same values as a dense oracle array. */
export interface Drawn {
  arr: NDArray;
  ref: Dense;
  /** physical storage position of each logical element (row-major) */
  pos: Dense;
}

/** How one logical dim is laid out in its base buffer. */
interface DimLayout {
  step: number;
  start: number;
  extra: number;
  flip: boolean;
  expand: boolean;
}

/** A whole layout: physical order of the base dims, per-dim layout, and a storage offset. */
export interface Layout {
  perm: number[];
  dims: DimLayout[];
  offset: number;
}

/** Kind of values to draw: small dyadic floats (exact in float32), positive floats, ints, or bytes. */
export type ValueKind = 'float' | 'positive' | 'int' | 'uint8' | 'index';

/** Shapes of up to maxDims dims of sizes minSize..maxSize. */
export function shapeArb(opts: { minDims?: number; maxDims?: number; minSize?: number; maxSize?: number } = {}): fc.Arbitrary<number[]> {
  return fc.array(fc.integer({ min: opts.minSize ?? 1, max: opts.maxSize ?? 4 }), { minLength: opts.minDims ?? 0, maxLength: opts.maxDims ?? 4 });
}

/** A layout for an array of `ndim` dims; `plain` draws only contiguous layouts. */
export function layoutArb(ndim: number, allowExpand = true): fc.Arbitrary<Layout> {
  const dim = fc.record({
    step: fc.integer({ min: 1, max: 3 }),
    start: fc.integer({ min: 0, max: 2 }),
    extra: fc.integer({ min: 0, max: 1 }),
    flip: fc.boolean(),
    expand: allowExpand ? fc.integer({ min: 0, max: 4 }).map((v) => v === 0) : fc.constant(false),
  });
  return fc.record({
    perm: fc.shuffledSubarray(Array.from({ length: ndim }, (_, i) => i), { minLength: ndim, maxLength: ndim }),
    dims: fc.array(dim, { minLength: ndim, maxLength: ndim }),
    offset: fc.integer({ min: 0, max: 3 }),
  });
}

/** The value arbitrary of a kind. */
export function valueArb(kind: ValueKind): fc.Arbitrary<number> {
  switch (kind) {
    case 'float':
      return fc.integer({ min: -40, max: 40 }).map((v) => v / 8);
    case 'positive':
      return fc.integer({ min: 1, max: 40 }).map((v) => v / 8);
    case 'int':
      return fc.integer({ min: -50, max: 50 });
    case 'uint8':
      return fc.integer({ min: 0, max: 255 });
    case 'index':
      return fc.integer({ min: 0, max: 3 });
  }
}

/** Base (pre-slice) size of each logical dim. */
function baseShape(shape: readonly number[], layout: Layout): number[] {
  return shape.map((d, i) => {
    const l = layout.dims[i]!;
    return l.expand ? 1 : d * l.step + l.start + l.extra;
  });
}

/** Builds the strided NDArray for (shape, layout) over `values`, and its oracle by index arithmetic. */
export function materialize(shape: readonly number[], layout: Layout, values: readonly number[], dtype: DType): Drawn {
  const base = baseShape(shape, layout);
  const phys = layout.perm.map((p) => base[p]!);
  const storage = Storage.alloc(dtype, layout.offset + numel(phys));
  for (let i = 0; i < storage.data.length; i++) storage.data[i] = values[i % Math.max(values.length, 1)] ?? 0;
  let v = new NDArray(storage, phys, undefined, layout.offset);
  v = v.permute(shape.map((_, i) => layout.perm.indexOf(i)));
  let anyExpand = false;
  shape.forEach((d, i) => {
    const l = layout.dims[i]!;
    if (l.expand) {
      anyExpand = true;
      return;
    }
    v = v.slice(i, l.start, l.start + d * l.step, l.step);
    if (l.flip) v = v.flip(i);
  });
  if (anyExpand) v = v.expand(shape);
  const pos = build(shape, (idx) => {
    const c = idx.map((x, i) => {
      const l = layout.dims[i]!;
      if (l.expand) return 0;
      return l.start + l.step * (l.flip ? shape[i]! - 1 - x : x);
    });
    const pc = layout.perm.map((p) => c[p]!);
    return layout.offset + ravel(pc, phys);
  });
  const ref = { shape: [...shape], data: pos.data.map((p) => storage.data[p]!) };
  return { arr: v, ref, pos };
}

/** A strided array of exactly `shape` (any layout) with values of `kind`. */
export function arrayOfShape(shape: readonly number[], dtype: DType, kind: ValueKind = 'float', allowExpand = true): fc.Arbitrary<Drawn> {
  return layoutArb(shape.length, allowExpand).chain((layout) => {
    const n = layout.offset + numel(baseShape(shape, layout));
    return fc.array(valueArb(kind), { minLength: n, maxLength: n }).map((vals) => materialize(shape, layout, vals, dtype));
  });
}

/** A strided array of a drawn shape. */
export function arrayArb(dtype: DType, kind: ValueKind = 'float', shapeOpts: Parameters<typeof shapeArb>[0] = {}): fc.Arbitrary<Drawn> {
  return shapeArb(shapeOpts).chain((s) => arrayOfShape(s, dtype, kind));
}

/** Float dtypes for value tests. */
export const floatDtypeArb: fc.Arbitrary<DType> = fc.constantFrom<DType>('float32', 'float64');

/** Rounds a JS number the way storing it in `dtype` does. */
export function roundTo(dtype: DType, x: number): number {
  switch (dtype) {
    case 'float32':
      return Math.fround(x);
    case 'float64':
      return x;
    case 'int32':
      return x | 0;
    case 'uint8':
      return x & 255;
  }
}

/** Asserts an NDArray equals an oracle array (shape, then each element within rtol/atol). */
export function expectDense(actual: NDArray, ref: Dense, rtol = 0, atol = 0): void {
  expect([...actual.shape]).toEqual(ref.shape);
  const got = actual.toTyped();
  for (let i = 0; i < ref.data.length; i++) {
    if (!closeTo(got[i]!, ref.data[i]!, rtol, atol)) {
      throw new Error(`element ${i} of shape [${ref.shape}]: got ${got[i]}, expected ${ref.data[i]}`);
    }
  }
}
