// Drawn window geometries (kernel, stride, padding, dilation and an input size they fit), shared by the
// convolution and pooling case tables.
import fc from 'fast-check';

/** One spatial axis of a window: kernel, stride, padding, dilation and an input size the window fits. */
export interface AxisGeometry {
  k: number;
  s: number;
  p: number;
  d: number;
  size: number;
}
/** A valid window along one axis; pooling keeps padding <= kernel / 2 and dilation 1 (as PyTorch requires). */
export function axisArb(pool: boolean): fc.Arbitrary<AxisGeometry> {
  return fc
    .record({ k: fc.integer({ min: 1, max: 3 }), s: fc.integer({ min: 1, max: 2 }), d: fc.integer({ min: 1, max: pool ? 1 : 2 }), extra: fc.integer({ min: 0, max: 2 }), pRaw: fc.integer({ min: 0, max: 1 }) })
    .map(({ k, s, d, extra, pRaw }) => {
      const p = pool ? Math.min(pRaw, Math.floor(k / 2)) : pRaw;
      const need = d * (k - 1) + 1 - 2 * p; // the dilated kernel must fit the padded input
      return { k, s, p, d, size: Math.max(1, need) + extra };
    });
}
/** (N, C, H, W) image geometry with a window per spatial axis. */
export interface ImageGeometry {
  n: number;
  c: number;
  h: AxisGeometry;
  w: AxisGeometry;
}
/** A drawn image geometry; `pool` restricts the windows as pooling requires. */
export function imageArb(pool: boolean): fc.Arbitrary<ImageGeometry> {
  return fc.record({ n: fc.integer({ min: 1, max: 2 }), c: fc.integer({ min: 1, max: 3 }), h: axisArb(pool), w: axisArb(pool) });
}
/** The window options of unfold/fold for a drawn geometry. */
export const windowOptions = (h: AxisGeometry, w: AxisGeometry) => ({ kernelSize: [h.k, w.k], stride: [h.s, w.s], padding: [h.p, w.p], dilation: [h.d, w.d] });
