// conv2d and unfold/fold pass gradcheck on drawn geometries and layouts; grouped and dilated conv2d against torch's
// golden values and a naive loop.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { conv2d, type GroupedConv2dOptions } from '@adder/autograd';
import { LAYOUTS, checkGoldenCase, loadGoldenCases, makeTensor, type GoldenCall } from '@adder/autograd/testing';
import { BACKENDS, type NDArray } from '@adder/tensor';
import { onBackend } from '@adder/tensor/testing/twins';
import { cases } from './conv.cases';
import { imageArb } from './windows';

describe('convolution Functions pass gradcheck', () => {
  for (const [name, c] of Object.entries(cases)) it(name, () => c.check());
});

describe("grouped and dilated conv2d match torch's values and both gradients (fixtures/layers-golden.json, tools/golden/gen_layers.py)", () => {
  const call: GoldenCall = ({ x, weight, bias }, _c, o) => conv2d(x!, weight!, bias ?? null, o as GroupedConv2dOptions);
  for (const c of loadGoldenCases(new URL('./fixtures/layers-golden.json', import.meta.url)).filter((g) => g.op === 'conv2d')) {
    for (const backend of BACKENDS) it(`${c.name} (${backend})`, () => onBackend(backend, () => checkGoldenCase(c, call)));
  }
});

/** The naive grouped, dilated convolution loop: the oracle of conv2d with groups. */
function naiveConv2d(x: NDArray, w: NDArray, b: NDArray | null, s: number[], p: number[], d: number[], groups: number): { shape: number[]; data: number[] } {
  const [n, cin, h, wd] = x.shape as [number, number, number, number];
  const [cout, cinPer, kh, kw] = w.shape as [number, number, number, number];
  const outPer = cout / groups;
  const oh = Math.floor((h + 2 * p[0]! - d[0]! * (kh - 1) - 1) / s[0]!) + 1;
  const ow = Math.floor((wd + 2 * p[1]! - d[1]! * (kw - 1) - 1) / s[1]!) + 1;
  const data: number[] = [];
  for (let bi = 0; bi < n; bi++)
    for (let o = 0; o < cout; o++)
      for (let i = 0; i < oh; i++)
        for (let j = 0; j < ow; j++) {
          let acc = b === null ? 0 : b.get(o);
          const g = Math.floor(o / outPer);
          for (let ci = 0; ci < cinPer; ci++)
            for (let u = 0; u < kh; u++)
              for (let v = 0; v < kw; v++) {
                const r = i * s[0]! - p[0]! + u * d[0]!;
                const q = j * s[1]! - p[1]! + v * d[1]!;
                if (r >= 0 && r < h && q >= 0 && q < wd) acc += x.get(bi, g * cinPer + ci, r, q) * w.get(o, ci, u, v);
              }
          data.push(acc);
        }
  void cin;
  return { shape: [n, cout, oh, ow], data };
}

describe('grouped conv2d equals the naive loop over drawn layouts and geometries', () => {
  it('float64, permuted / sliced / broadcast inputs', () => {
    fc.assert(
      fc.property(
        fc.tuple(imageArb(false), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 2 }), fc.boolean(), fc.constantFrom(...LAYOUTS), fc.constantFrom(...LAYOUTS), fc.integer()),
        ([{ n, c, h, w }, groups, coutPer, withBias, lx, lw, seed]) => {
          const x = makeTensor([n, c * groups, h.size, w.size], lx, seed, {}, false);
          const wt = makeTensor([coutPer * groups, c, h.k, w.k], lw, seed + 1, {}, false);
          const b = withBias ? makeTensor([coutPer * groups], 'contiguous', seed + 2, {}, false) : null;
          const y = conv2d(x, wt, b, { stride: [h.s, w.s], padding: [h.p, w.p], dilation: [h.d, w.d], groups });
          const want = naiveConv2d(x.data, wt.data, b?.data ?? null, [h.s, w.s], [h.p, w.p], [h.d, w.d], groups);
          expect(y.shape).toEqual(want.shape);
          const got = Array.from(y.data.toTyped());
          want.data.forEach((v, i) => expect(Math.abs(got[i]! - v)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(v))));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('refuses groups that do not divide the channels, in one line naming conv2d', () => {
    const x = makeTensor([1, 4, 3, 3], 'contiguous', 1, {}, false);
    expect(() => conv2d(x, makeTensor([3, 2, 1, 1], 'contiguous', 2, {}, false), null, { groups: 2 })).toThrow(/^conv2d: groups 2 must divide/);
    expect(() => conv2d(x, makeTensor([4, 1, 1, 1], 'contiguous', 2, {}, false), null, { groups: 2 })).toThrow(/^conv2d: groups 2 must divide/);
    expect(() => conv2d(x, makeTensor([4, 2, 1, 1], 'contiguous', 2, {}, false), null, { groups: 0 })).toThrow(/^conv2d: groups must be an integer >= 1/);
  });
});
