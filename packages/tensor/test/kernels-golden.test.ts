// unfold, fold, conv2d (and its gradients) and pooling against golden values from PyTorch 1.13
// (fixtures/kernels-golden.json, made by fixtures/make-kernels-golden.py; inputs are multiples of 1/8, so exact).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  avgPool2d, conv2d, conv2dBackwardInput, conv2dBackwardWeight, fold, fromArray, maxPool2d, unfold,
} from '../src/index';
import { maxAbsDiff } from './naive-kernels';

type P = [number, number];
interface Geo { n: number; c: number; h: number; w: number; k: P; s: P; p: P; d: P }
interface Golden {
  torch: string;
  unfold: (Geo & { x: number[]; unfold: number[]; unfoldShape: number[]; y: number[]; fold: number[] })[];
  conv2d: (Geo & { x: number[]; weight: number[]; wShape: number[]; b: number[]; y: number[]; yShape: number[]; gy: number[]; gx: number[]; gw: number[] })[];
  maxPool2d: (Omit<Geo, 's' | 'd'> & { s: P | null; x: number[]; values: number[]; indices: number[]; shape: number[] })[];
  avgPool2d: (Omit<Geo, 's' | 'd'> & { s: P | null; x: number[]; y: number[]; shape: number[] })[];
}

const golden = JSON.parse(readFileSync(new URL('./fixtures/kernels-golden.json', import.meta.url), 'utf8')) as Golden;
const f64 = (data: number[], shape: number[]) => fromArray(Float64Array.from(data), shape);

describe(`kernels vs PyTorch ${golden.torch}`, () => {
  it('unfold and fold', () => {
    for (const c of golden.unfold) {
      const opts = { kernelSize: c.k, stride: c.s, padding: c.p, dilation: c.d };
      const u = unfold(f64(c.x, [c.n, c.c, c.h, c.w]), opts);
      expect(u.shape).toEqual(c.unfoldShape);
      expect(Array.from(u.toTyped())).toEqual(c.unfold);
      const f = fold(f64(c.y, c.unfoldShape), { ...opts, outputSize: [c.h, c.w] });
      expect(Array.from(f.toTyped())).toEqual(c.fold);
    }
  });

  it('conv2d forward with bias, and both gradients', () => {
    for (const c of golden.conv2d) {
      const opts = { stride: c.s, padding: c.p, dilation: c.d };
      const xShape = [c.n, c.c, c.h, c.w];
      const x = f64(c.x, xShape);
      const w = f64(c.weight, c.wShape);
      const y = conv2d(x, w, f64(c.b, [c.b.length]), opts);
      expect(y.shape).toEqual(c.yShape);
      expect(maxAbsDiff(y.toTyped(), c.y)).toBeLessThan(1e-12);
      const gy = f64(c.gy, c.yShape);
      expect(maxAbsDiff(conv2dBackwardInput(gy, w, xShape, opts).toTyped(), c.gx)).toBeLessThan(1e-12);
      expect(maxAbsDiff(conv2dBackwardWeight(gy, x, c.wShape, opts).toTyped(), c.gw)).toBeLessThan(1e-12);
    }
  });

  it('maxPool2d values and return_indices (ties included)', () => {
    for (const c of golden.maxPool2d) {
      const r = maxPool2d(f64(c.x, [c.n, c.c, c.h, c.w]), { kernelSize: c.k, stride: c.s ?? undefined, padding: c.p });
      expect(r.values.shape).toEqual(c.shape);
      expect(Array.from(r.values.toTyped())).toEqual(c.values);
      expect(Array.from(r.indices.toTyped())).toEqual(c.indices);
    }
  });

  it('avgPool2d with count_include_pad=true', () => {
    for (const c of golden.avgPool2d) {
      const y = avgPool2d(f64(c.x, [c.n, c.c, c.h, c.w]), { kernelSize: c.k, stride: c.s ?? undefined, padding: c.p });
      expect(y.shape).toEqual(c.shape);
      expect(maxAbsDiff(y.toTyped(), c.y)).toBeLessThan(1e-15);
    }
  });
});
