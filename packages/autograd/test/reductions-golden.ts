// torch's values, indices and input gradients for norm, std, prod, cumsum and the extrema (float64), from
// fixtures/reductions-golden.json (tools/golden/gen_reductions.py). Each op's test runs the cases of its ops.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Tensor, type ValuesIndices } from '@adder/autograd';
import { NDArray } from '@adder/tensor';

/** One golden case: the op, its arguments (p = +-Infinity written 'inf' / '-inf'), the input, and torch's answers. */
export interface ReductionGolden {
  name: string;
  op: string;
  args: Record<string, number | string | boolean | number[]>;
  shape: number[];
  x: number[];
  outShape: number[];
  y: number[];
  indices: number[] | null;
  gy: number[];
  gx: number[];
}
const all = (JSON.parse(readFileSync(new URL('./fixtures/reductions-golden.json', import.meta.url), 'utf8')) as { cases: ReductionGolden[] }).cases;

/** The argument `key` of a case, with 'inf' / '-inf' read back as numbers. */
export function arg<T>(c: ReductionGolden, key: string): T {
  const v = c.args[key];
  return (v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v) as T;
}

/** Equal up to a few ulps of float64 (relative 1e-12, absolute 1e-14 near 0). */
const close = (a: number, b: number): boolean => a === b || Math.abs(a - b) <= 1e-12 * Math.abs(b) + 1e-14;

/**
 * A describe block running every golden case of `ops`: `call` applies the op to a float64 leaf; its values,
 * indices (when torch returns some) and the gradient for torch's upstream gradient must match.
 */
export function describeGolden(ops: readonly string[], call: (c: ReductionGolden, x: Tensor) => Tensor | ValuesIndices): void {
  const cases = all.filter((c) => ops.includes(c.op));
  describe(`${ops.join(', ')} agree with torch 1.13 (values, indices, gradients; float64)`, () => {
    it('has cases', () => expect(cases.length).toBeGreaterThan(0));
    for (const c of cases) {
      it(c.name, () => {
        const x = new Tensor(NDArray.fromTyped(Float64Array.from(c.x), c.shape), true);
        const r = call(c, x);
        const y = r instanceof Tensor ? r : r.values;
        expect(y.shape).toEqual(c.outShape);
        const got = Array.from(y.data.toTyped());
        c.y.forEach((want, i) => expect(close(got[i]!, want), `${c.name} y[${i}] = ${got[i]}, torch ${want}`).toBe(true));
        if (c.indices !== null) {
          expect(r instanceof Tensor).toBe(false);
          expect(Array.from((r as ValuesIndices).indices.data.toTyped())).toEqual(c.indices);
        }
        y.backward(NDArray.fromTyped(Float64Array.from(c.gy), c.outShape));
        const gx = Array.from(x.grad!.data.toTyped());
        c.gx.forEach((want, i) => expect(close(gx[i]!, want), `${c.name} gx[${i}] = ${gx[i]}, torch ${want}`).toBe(true));
      });
    }
  });
}
