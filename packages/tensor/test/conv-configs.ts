// Test helper: fast-check arbitraries of valid 2-D window configurations and seeded random data.
import fc from 'fast-check';
import { convOutSize, type Geometry2d } from './naive-kernels';

/** An image shape plus a window geometry whose dilated kernel fits the padded image. */
export interface WindowCase extends Geometry2d {
  n: number;
  c: number;
  h: number;
  w: number;
}

const pair = (min: number, max: number) => fc.tuple(fc.integer({ min, max }), fc.integer({ min, max }));

/** Random valid (N, C, H, W) + kernel/stride/padding/dilation, sizes kept small. */
export const windowCase: fc.Arbitrary<WindowCase> = fc
  .record({
    n: fc.integer({ min: 1, max: 2 }),
    c: fc.integer({ min: 1, max: 3 }),
    h: fc.integer({ min: 1, max: 7 }),
    w: fc.integer({ min: 1, max: 7 }),
    kernel: pair(1, 3),
    stride: pair(1, 3),
    padding: pair(0, 2),
    dilation: pair(1, 2),
  })
  .filter((g) => convOutSize(g.h, g.kernel[0], g.stride[0], g.padding[0], g.dilation[0]) >= 1
    && convOutSize(g.w, g.kernel[1], g.stride[1], g.padding[1], g.dilation[1]) >= 1);

/** `count` reproducible values in [-1, 1) from a seed (an LCG: enough for test data). */
export function seededValues(seed: number, count: number): number[] {
  let s = seed >>> 0;
  const out = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32) * 2 - 1;
  }
  return out;
}
