// layerNorm, groupNorm and linear: torch's values and gradients (fixtures/layers-golden.json from
// tools/golden/gen_layers.py), gradcheck and a naive loop over drawn layouts, the LayerNorm / GroupNorm modules.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gradcheck, type Tensor } from '@adder/autograd';
import { checkGoldenCase, loadGoldenCases, makeTensor, tensorArb, LAYOUTS, type GoldenCall } from '@adder/autograd/testing';
import type { NDArray } from '@adder/tensor';
import { GroupNorm, LayerNorm, groupNorm, layerNorm, linear } from '../src/index';

const golden = loadGoldenCases(new URL('./fixtures/layers-golden.json', import.meta.url));
const calls: Record<string, GoldenCall> = {
  layerNorm: ({ x, weight, bias }, _c, o) => layerNorm(x!, o.normalizedShape as number[], { weight: weight ?? null, bias: bias ?? null, eps: o.eps as number }),
  groupNorm: ({ x, weight, bias }, _c, o) => groupNorm(x!, o.numGroups as number, { weight: weight ?? null, bias: bias ?? null, eps: o.eps as number }),
  linear: ({ x, weight, bias }) => linear(x!, weight!, bias ?? null),
};

describe("layerNorm, groupNorm and linear match torch's values and gradients (float64)", () => {
  for (const c of golden.filter((g) => g.op in calls)) it(c.name, () => checkGoldenCase(c, calls[c.op]!));
});

/** Normalises x over the flat groups [start, start + size) of its row-major values: the naive oracle. */
function naiveNorm(x: NDArray, groupSize: number, eps: number, scale: (i: number) => number, shift: (i: number) => number): number[] {
  const v = Array.from(x.contiguous().toTyped());
  const out: number[] = [];
  for (let s = 0; s < v.length; s += groupSize) {
    const g = v.slice(s, s + groupSize);
    const mean = g.reduce((a, b) => a + b, 0) / groupSize;
    const variance = g.reduce((a, b) => a + (b - mean) ** 2, 0) / groupSize;
    g.forEach((xi, j) => out.push(((xi - mean) / Math.sqrt(variance + eps)) * scale(s + j) + shift(s + j)));
  }
  return out;
}
const closeTo = (got: ArrayLike<number>, want: number[]): void => want.forEach((w, i) => expect(Math.abs(got[i]! - w)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(w))));

describe('over drawn layouts', () => {
  const layout = fc.constantFrom(...LAYOUTS);
  it('layerNorm equals the naive loop', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 3 }), layout, layout, fc.integer(), (shape, kRaw, lx, lw, seed) => {
        const k = Math.min(kRaw, shape.length);
        const norm = shape.slice(shape.length - k);
        const x = makeTensor(shape, lx, seed, {}, false);
        const w = makeTensor(norm, lw, seed + 1, {}, false);
        const b = makeTensor(norm, 'contiguous', seed + 2, {}, false);
        const size = norm.reduce((a, d) => a * d, 1);
        const wv = Array.from(w.data.contiguous().toTyped());
        const bv = Array.from(b.data.toTyped());
        closeTo(layerNorm(x, norm, { weight: w, bias: b }).data.toTyped(), naiveNorm(x.data, size, 1e-5, (i) => wv[i % size]!, (i) => bv[i % size]!));
      }),
      { numRuns: 60 },
    );
  });
  it('groupNorm equals the naive loop', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 2 }), fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }), layout, fc.integer(), (n, groups, per, spatial, lx, seed) => {
        const c = groups * per;
        const x = makeTensor([n, c, ...spatial], lx, seed, {}, false);
        const w = makeTensor([c], 'contiguous', seed + 1, {}, false);
        const b = makeTensor([c], 'contiguous', seed + 2, {}, false);
        const plane = spatial.reduce((a, d) => a * d, 1);
        const wv = Array.from(w.data.toTyped());
        const bv = Array.from(b.data.toTyped());
        const channel = (i: number): number => Math.floor(i / plane) % c;
        closeTo(groupNorm(x, groups, { weight: w, bias: b, eps: 1e-3 }).data.toTyped(), naiveNorm(x.data, per * plane, 1e-3, (i) => wv[channel(i)]!, (i) => bv[channel(i)]!));
      }),
      { numRuns: 60 },
    );
  });
  it('layerNorm, groupNorm and linear pass gradcheck (float64) w.r.t. input, weight and bias', () => {
    const problems = fc.oneof(
      fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 2, max: 4 })).chain(([n, d]) =>
        fc.tuple(tensorArb([n, 2, d]), tensorArb([d]), tensorArb([d])).map(([x, w, b]) => ({ inputs: [x, w, b], fn: (x: Tensor, w: Tensor, b: Tensor) => layerNorm(x, [d], { weight: w, bias: b }) }))),
      fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 3 })).chain(([n, groups, hw]) =>
        fc.tuple(tensorArb([n, 2 * groups, hw, 2]), tensorArb([2 * groups]), tensorArb([2 * groups])).map(([x, w, b]) => ({ inputs: [x, w, b], fn: (x: Tensor, w: Tensor, b: Tensor) => groupNorm(x, groups, { weight: w, bias: b }) }))),
      fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })).chain(([i, o]) =>
        fc.tuple(tensorArb([2, i]), tensorArb([o, i]), tensorArb([o])).map(([x, w, b]) => ({ inputs: [x, w, b], fn: (x: Tensor, w: Tensor, b: Tensor) => linear(x, w, b) }))),
    );
    fc.assert(fc.property(problems, (p) => gradcheck(p.fn, p.inputs)), { numRuns: 40 });
  });
});

describe('LayerNorm and GroupNorm modules', () => {
  it("have torch's state-dict keys and initial values, and run the functionals", () => {
    const ln = new LayerNorm([2, 3], { dtype: 'float64' });
    expect(Object.keys(ln.stateDict()).sort()).toEqual(['bias', 'weight']);
    expect(ln.weight!.data.shape).toEqual([2, 3]);
    expect(ln.toString()).toBe('LayerNorm((2, 3,), eps=0.00001, elementwise_affine=True)'.replace('0.00001', String(1e-5)));
    const gn = new GroupNorm(2, 4, { dtype: 'float64' });
    expect(Object.keys(gn.stateDict()).sort()).toEqual(['bias', 'weight']);
    expect(Array.from(gn.weight!.data.toTyped())).toEqual([1, 1, 1, 1]);
    expect(Object.keys(new GroupNorm(1, 3, { affine: false }).stateDict())).toEqual([]);
    const x = makeTensor([2, 4, 2, 3], 'permuted', 7, {}, false);
    expect(Array.from(gn.call(x).data.toTyped())).toEqual(Array.from(groupNorm(x, 2).data.toTyped()));
  });
  it('refuse bad shapes and options in one line naming the op', () => {
    const x = makeTensor([2, 4, 3], 'contiguous', 1, {}, false);
    expect(() => layerNorm(x, [4])).toThrow(/^layerNorm: input shape \[2, 4, 3\] does not end with normalizedShape \[4\]$/);
    expect(() => layerNorm(x, [3], { weight: makeTensor([4], 'contiguous', 2, {}, false) })).toThrow(/^layerNorm: weight must have shape \[3\], got \[4\]$/);
    expect(() => layerNorm(x, [3], { epsilon: 1 } as never)).toThrow(/^layerNorm: unknown option 'epsilon'/);
    expect(() => groupNorm(x, 3)).toThrow(/^groupNorm: numGroups must be a positive integer dividing the 4 channels, got 3$/);
    expect(() => new GroupNorm(3, 4)).toThrow(/^GroupNorm: numChannels 4 must be a positive multiple of numGroups 3$/);
    expect(() => new GroupNorm(2, 4).call(x.narrow(1, 0, 2))).toThrow(/expected an input \(N, 4, \*\)/);
    expect(() => linear(x, makeTensor([2, 4], 'contiguous', 3, {}, false))).toThrow(/^linear: expected an input \(\.\.\., 4\) for a weight \[2, 4\], got shape \[2, 4, 3\]$/);
  });
});
