// A property over drawn layouts: an op on a permuted, sliced or expanded float64 leaf gives a naive oracle's
// values (on the row-major copy, as a Dense of '@adder/tensor/testing'), and the same gradient as on a
// contiguous copy of the leaf.
import fc from 'fast-check';
import { expect } from 'vitest';
import { Tensor } from '@adder/autograd';
import { LAYOUTS, makeTensor, shapeArb, type ValueSpec } from '@adder/autograd/testing';
import { Generator, NDArray, Storage } from '@adder/tensor';
import type { Dense } from '@adder/tensor/testing';

/** The row-major values of a tensor as a Dense. */
export const denseOf = (x: Tensor): Dense => ({ shape: [...x.shape], data: Array.from(x.data.toTyped()) });

/** Equal up to a few ulps of float64 (NaN equals NaN). */
export const close = (a: number, b: number): boolean => a === b || (Number.isNaN(a) && Number.isNaN(b)) || Math.abs(a - b) <= 1e-12 * Math.abs(b) + 1e-13;

/** Asserts that a Tensor holds a Dense's shape and values (up to a few ulps). */
export function expectDense(got: Tensor, want: Dense, what: string): void {
  expect(got.shape, `${what}: shape`).toEqual(want.shape);
  const g = Array.from(got.data.toTyped());
  want.data.forEach((w, i) => expect(close(g[i]!, w), `${what}[${i}] = ${g[i]}, oracle ${w}`).toBe(true));
}

/** Options of the layout property: shapes, values and run count. */
export interface LayoutCheckOptions {
  shapes?: fc.Arbitrary<number[]>;
  spec?: ValueSpec;
  numRuns?: number;
}

/**
 * For drawn shapes, layouts, values and a parameter drawn from the shape: `f(x, p)` equals `oracle(dense(x), p)`,
 * and backpropagating one random gradient through `f` gives the same leaf gradient for the layout as for a
 * contiguous copy.
 */
export function checkOverLayouts<P>(param: (shape: number[]) => fc.Arbitrary<P>, f: (x: Tensor, p: P) => Tensor, oracle: (x: Dense, p: P) => Dense, opts: LayoutCheckOptions = {}): void {
  const arb = (opts.shapes ?? shapeArb()).chain((shape) => fc.tuple(fc.constant(shape), fc.constantFrom(...LAYOUTS), fc.integer({ min: 1, max: 0x7fffffff }), param(shape)));
  fc.assert(
    fc.property(arb, ([shape, layout, seed, p]) => {
      const x = makeTensor(shape, layout, seed, opts.spec ?? {});
      const y = f(x, p);
      expectDense(y, oracle(denseOf(x), p), `${layout} ${JSON.stringify(shape)}`);
      const c = new Tensor(x.data.clone(), true);
      const yc = f(c, p);
      const gen = new Generator(seed + 1);
      const s = Storage.alloc('float64', y.size);
      for (let i = 0; i < s.data.length; i++) s.data[i] = 2 * gen.random() - 1;
      const g = new NDArray(s, y.shape);
      y.backward(g);
      yc.backward(g);
      expectDense(x.grad!, denseOf(c.grad!), `${layout} ${JSON.stringify(shape)} gradient`);
    }),
    { numRuns: opts.numRuns ?? 60 },
  );
}

/**
 * For drawn shapes and values: `f` on a float32 copy of a float64 leaf gives a float32 result, and its float32
 * gradient, each within a few float32 roundings (relative 1e-5 of the largest magnitude) of the float64 ones.
 */
export function checkFloat32<P>(param: (shape: number[]) => fc.Arbitrary<P>, f: (x: Tensor, p: P) => Tensor, opts: LayoutCheckOptions = {}): void {
  const arb = (opts.shapes ?? shapeArb()).chain((shape) => fc.tuple(fc.constant(shape), fc.integer({ min: 1, max: 0x7fffffff }), param(shape)));
  fc.assert(
    fc.property(arb, ([shape, seed, p]) => {
      const x64 = makeTensor(shape, 'contiguous', seed, opts.spec ?? {});
      const x32 = new Tensor(x64.data.cast('float32'), true);
      const x64r = new Tensor(x32.data.cast('float64'), true);
      const y32 = f(x32, p);
      const y64 = f(x64r, p);
      expect(y32.dtype).toBe('float32');
      y32.sum().backward();
      y64.sum().backward();
      expect(x32.grad!.dtype).toBe('float32');
      for (const [got, want, what] of [[y32, y64, 'value'], [x32.grad!, x64r.grad!, 'gradient']] as const) {
        const g = Array.from(got.data.toTyped());
        const w = Array.from(want.data.toTyped());
        const scale = Math.max(1, ...w.map(Math.abs));
        w.forEach((v, i) => expect(Math.abs(g[i]! - v) <= 1e-5 * scale || (Number.isNaN(v) && Number.isNaN(g[i]!)), `float32 ${what}[${i}] = ${g[i]}, float64 ${v}`).toBe(true));
      }
    }),
    { numRuns: opts.numRuns ?? 30 },
  );
}
