// The pooling Functions pass gradcheck; maxPool2dWithIndices exposes the argmax; maxPool2d with dilation and
// ceilMode matches torch's values, indices and gradients (fixtures/max-pool2d-golden.json, tools/golden/gen_max_pool2d.py).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { adaptiveAvgPool2d, adaptiveMaxPool2d, avgPool2d, fromNDArray, maxPool2d, maxPool2dWithIndices, noGrad, tensor, type AdaptiveOutputSize, type AvgPool2dOptions, type Tensor } from '@adder/autograd';
import { LAYOUTS, checkGoldenCase, goldenArray, loadGoldenCases, makeTensor, type GoldenCall } from '@adder/autograd/testing';
import fc from 'fast-check';
import { imageArb } from './windows';
import { onBackend } from '@adder/tensor/testing/twins';
import { BACKENDS, fromArray, setBackend, getBackend } from '@adder/tensor';
import { cases } from './pool.cases';

interface PoolGolden {
  name: string;
  shape: number[];
  kernelSize: number | number[];
  stride: number | number[];
  padding: number | number[];
  dilation: number | number[];
  ceilMode: boolean;
  x: number[];
  outShape: number[];
  y: number[];
  indices: number[];
  gy: number[];
  gx: number[];
}
const golden = (JSON.parse(readFileSync(new URL('./fixtures/max-pool2d-golden.json', import.meta.url), 'utf8')) as { cases: PoolGolden[] }).cases;

describe('pooling Functions pass gradcheck', () => {
  for (const [name, c] of Object.entries(cases)) it(name, () => c.check());
});

describe('maxPool2dWithIndices', () => {
  it('returns the flat in-plane argmax, also under noGrad', () => {
    const x = tensor([[[[1, 5, 2, 0], [3, 4, 9, 8], [7, 6, 1, 2], [0, 1, 3, 4]]]], { requiresGrad: true });
    const { values, indices } = maxPool2dWithIndices(x, { kernelSize: 2 });
    expect(values.toArray()).toEqual([[[[5, 9], [7, 4]]]]);
    expect(indices.toArray()).toEqual([[[[1, 6], [8, 15]]]]);
    const quiet = noGrad(() => maxPool2dWithIndices(x, { kernelSize: 2 }));
    expect(quiet.values.gradFn).toBeNull();
    expect(quiet.indices.toArray()).toEqual([[[[1, 6], [8, 15]]]]);
  });
});

describe("maxPool2d with dilation and ceilMode matches torch's", () => {
  for (const g of golden) {
    for (const dtype of ['float64', 'float32'] as const) {
      it(`${g.name} (${dtype})`, () => {
        const x = fromNDArray(fromArray(g.x, dtype).reshape(g.shape), true);
        const { kernelSize, stride, padding, dilation, ceilMode } = g;
        const { values, indices } = maxPool2dWithIndices(x, { kernelSize, stride, padding, dilation, ceilMode });
        expect(values.shape).toEqual(g.outShape);
        expect(Array.from(values.data.toTyped())).toEqual(Array.from(fromArray(g.y, dtype).toTyped()));
        expect(Array.from(indices.toTyped())).toEqual(g.indices);
        values.backward(fromArray(g.gy, dtype).reshape(g.outShape));
        const gx = Array.from(x.grad!.data.toTyped());
        const want = Array.from(fromArray(g.gx, dtype).toTyped());
        gx.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, dtype === 'float64' ? 14 : 5));
      });
    }
  }

  it('every backend gives the same result (the simd kernel is bypassed for dilation and ceil mode)', () => {
    const before = getBackend();
    try {
      for (const g of golden) {
        const runs = BACKENDS.map((b) => {
          setBackend(b);
          const x = fromNDArray(fromArray(g.x, 'float32').reshape(g.shape));
          return Array.from(maxPool2d(x, { kernelSize: g.kernelSize, stride: g.stride, padding: g.padding, dilation: g.dilation, ceilMode: g.ceilMode }).data.toTyped());
        });
        for (const r of runs) expect(r).toEqual(runs[0]);
      }
    } finally {
      setBackend(before);
    }
  });
});

describe("avgPool2d modes and adaptive pooling match torch's (fixtures/layers-golden.json, tools/golden/gen_layers.py)", () => {
  const calls: Record<string, GoldenCall> = {
    avgPool2d: ({ x }, _c, o) => avgPool2d(x!, o as unknown as AvgPool2dOptions),
    adaptiveAvgPool2d: ({ x }, _c, o) => adaptiveAvgPool2d(x!, o.outputSize as AdaptiveOutputSize),
    adaptiveMaxPool2d: ({ x }, _c, o) => adaptiveMaxPool2d(x!, o.outputSize as AdaptiveOutputSize),
  };
  for (const c of loadGoldenCases(new URL('./fixtures/layers-golden.json', import.meta.url)).filter((g) => g.op in calls)) {
    for (const backend of BACKENDS) it(`${c.name} (${backend})`, () => onBackend(backend, () => checkGoldenCase(c, calls[c.op]!)));
  }
});

describe('avgPool2d and adaptive pooling give the same float32 values on every backend (simd falls back to js where it lacks the mode)', () => {
  const cases = loadGoldenCases(new URL('./fixtures/layers-golden.json', import.meta.url)).filter((g) => g.op !== 'conv2d');
  const run = (op: string, x: Tensor, o: Record<string, unknown>): Tensor =>
    op === 'avgPool2d' ? avgPool2d(x, o as unknown as AvgPool2dOptions) : op === 'adaptiveAvgPool2d' ? adaptiveAvgPool2d(x, o.outputSize as AdaptiveOutputSize) : adaptiveMaxPool2d(x, o.outputSize as AdaptiveOutputSize);
  for (const c of cases) {
    it(c.name, () => {
      const results = BACKENDS.map((b) => onBackend(b, () => Array.from(run(c.op, fromNDArray(goldenArray(c.inputs.x!).cast('float32')), c.options).data.toTyped())));
      for (const r of results) expect(r).toEqual(results[0]);
      const want = c.out.data.map(Number);
      results[0]!.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));
    });
  }
});

/** The naive pooling oracle: every output cell from its explicit list of in-bounds taps and its divisor. */
function naivePool(x: Tensor, rows: [number, number][], cols: [number, number][], reduce: (v: number[], divisor: number) => number, divisor: (rows: [number, number], cols: [number, number]) => number): number[] {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const [outH, outW] = [rows.length, cols.length];
  const out: number[] = [];
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let i = 0; i < outH; i++)
        for (let j = 0; j < outW; j++) {
          const v: number[] = [];
          for (let r = Math.max(0, rows[i]![0]); r < Math.min(h, rows[i]![1]); r++) for (let q = Math.max(0, cols[j]![0]); q < Math.min(w, cols[j]![1]); q++) v.push(x.data.get(b, ch, r, q));
          out.push(reduce(v, divisor(rows[i]!, cols[j]!)));
        }
  return out;
}
const sum = (v: number[]): number => v.reduce((a, b) => a + b, 0);

describe('avgPool2d modes and adaptive pooling equal a naive loop over drawn layouts', () => {
  const layout = fc.constantFrom(...LAYOUTS);
  it('avgPool2d with ceilMode and countIncludePad', () => {
    fc.assert(
      fc.property(imageArb(true), fc.boolean(), fc.boolean(), layout, fc.integer(), ({ n, c, h, w }, ceilMode, countIncludePad, lx, seed) => {
        const x = makeTensor([n, c, h.size, w.size], lx, seed, {}, false);
        const y = avgPool2d(x, { kernelSize: [h.k, w.k], stride: [h.s, w.s], padding: [h.p, w.p], ceilMode, countIncludePad });
        // torch's output size and windows: [o*s - p, o*s - p + k), clipped to the padded input for the divisor
        const size = (L: number, k: number, s: number, p: number): number => {
          let o = Math.floor((L + 2 * p - k + (ceilMode ? s - 1 : 0)) / s) + 1;
          if (ceilMode && (o - 1) * s >= L + p) o--;
          return o;
        };
        const [oh, ow] = [size(h.size, h.k, h.s, h.p), size(w.size, w.k, w.s, w.p)];
        expect(y.shape).toEqual([n, c, oh, ow]);
        const win = (k: number, s: number, p: number, L: number) => (_: number, out: number): [number, number][] =>
          Array.from({ length: out }, (_u, o) => [o * s - p, Math.min(o * s - p + k, L + p)] as [number, number]);
        const span = (r: [number, number], L: number): number => (countIncludePad ? r[1] - r[0] : Math.min(r[1], L) - Math.max(r[0], 0));
        const rowsOf = win(h.k, h.s, h.p, h.size);
        const colsOf = win(w.k, w.s, w.p, w.size);
        const want = naivePool(x, rowsOf(h.size, oh), colsOf(w.size, ow), (v, d) => sum(v) / d, (r, q) => span(r, h.size) * span(q, w.size));
        const got = Array.from(y.data.toTyped());
        want.forEach((v, i) => expect(Math.abs(got[i]! - v)).toBeLessThanOrEqual(1e-14));
      }),
      { numRuns: 60 },
    );
  });
  it('adaptiveAvgPool2d and adaptiveMaxPool2d of any output size', () => {
    const side = fc.integer({ min: 1, max: 7 });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 }), side, side, fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), layout, fc.integer(), (n, c, h, w, oh, ow, lx, seed) => {
        const x = makeTensor([n, c, h, w], lx, seed, {}, false);
        const cells = (L: number, out: number): [number, number][] => Array.from({ length: out }, (_, i) => [Math.floor((i * L) / out), Math.ceil(((i + 1) * L) / out)] as [number, number]);
        const area = (r: [number, number], q: [number, number]): number => (r[1] - r[0]) * (q[1] - q[0]);
        const avg = Array.from(adaptiveAvgPool2d(x, [oh, ow]).data.toTyped());
        naivePool(x, cells(h, oh), cells(w, ow), (v, d) => sum(v) / d, area).forEach((v, i) => expect(Math.abs(avg[i]! - v)).toBeLessThanOrEqual(1e-14));
        expect(Array.from(adaptiveMaxPool2d(x, [oh, ow]).data.toTyped())).toEqual(naivePool(x, cells(h, oh), cells(w, ow), (v) => Math.max(...v), () => 1));
      }),
      { numRuns: 60 },
    );
  });
});
