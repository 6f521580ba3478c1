// The pooling Functions pass gradcheck; maxPool2dWithIndices exposes the argmax; maxPool2d with dilation and
// ceilMode matches torch's values, indices and gradients (fixtures/max-pool2d-golden.json, tools/golden/gen_max_pool2d.py).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromNDArray, maxPool2d, maxPool2dWithIndices, noGrad, tensor } from '@adder/autograd';
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
