// The pooling Functions pass gradcheck; maxPool2dWithIndices exposes the argmax; maxPool2d with dilation and
// ceilMode matches torch's values, indices and gradients (fixtures/max-pool2d-golden.json, tools/golden/gen_max_pool2d.py).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { adaptiveAvgPool2d, adaptiveMaxPool2d, avgPool2d, fromNDArray, maxPool2d, maxPool2dWithIndices, noGrad, tensor, type AdaptiveOutputSize, type AvgPool2dOptions, type Tensor } from '@adder/autograd';
import { checkGoldenCase, goldenArray, loadGoldenCases, type GoldenCall } from '@adder/autograd/testing';
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
