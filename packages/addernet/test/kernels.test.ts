// The fused adder kernels against the literal float64 transcription of the reference (adderOracle.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromArray } from '@adder/tensor';
import { adderBackwardInput, adderBackwardWeight, adderBackwardWeightRaw, adderForward, scaleAdderGrad } from '../src/kernels/index';
import { oracleBackward, oracleForward } from './adderOracle';
import { dense, expectClose, normal } from './helpers';

/** A random adder2d problem: non-square images, partial 4-blocks of channels and positions, strides and paddings. */
const caseArb = fc
  .record({
    n: fc.integer({ min: 1, max: 3 }),
    cin: fc.integer({ min: 1, max: 4 }),
    cout: fc.integer({ min: 1, max: 7 }),
    k: fc.constantFrom(1, 2, 3),
    stride: fc.constantFrom(1, 2, 3),
    padding: fc.constantFrom(0, 1, 2),
    dh: fc.integer({ min: 0, max: 6 }),
    dw: fc.integer({ min: 0, max: 9 }),
    wStd: fc.constantFrom(0.3, 1, 3),
    seed: fc.integer({ min: 0, max: 1e6 }),
  })
  .filter((c) => c.padding < c.k || c.padding === 0);

describe('adder kernels vs the reference transcription (float64)', () => {
  it('forward, input gradient and weight gradient agree on random problems', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const h = c.k + c.dh;
        const w = c.k + c.dw;
        const x = normal([c.n, c.cin, h, w], c.seed);
        const wt = normal([c.cout, c.cin, c.k, c.k], c.seed + 1, 'float64', c.wStd);
        const y = adderForward(x, wt, c.stride, c.padding);
        const ref = oracleForward(dense(x), dense(wt), c.stride, c.padding);
        expectClose(y, ref, 1e-12, 1e-12);
        const g = normal([...y.shape], c.seed + 2);
        const back = oracleBackward(dense(x), dense(wt), dense(g), c.stride, c.padding, 0.2);
        expectClose(adderBackwardInput(x, wt, g, c.stride, c.padding), back.gradX, 1e-12, 1e-12);
        expectClose(adderBackwardWeightRaw(x, wt, g, c.stride, c.padding), { data: Array.from(back.rawGradW), shape: [...wt.shape] }, 1e-12, 1e-12);
        expectClose(adderBackwardWeight(x, wt, g, c.stride, c.padding, 0.2), back.gradW, 1e-12, 1e-12);
      }),
      { numRuns: 60 },
    );
  });

  it('float32 agrees with the float64 oracle to float32 precision on a ResNet-like layer', () => {
    const x = normal([2, 8, 9, 7], 11, 'float32');
    const wt = normal([6, 8, 3, 3], 12, 'float32');
    const g = normal([2, 6, 9, 7], 13, 'float32');
    const back = oracleBackward(dense(x), dense(wt), dense(g), 1, 1, 0.2);
    expectClose(adderForward(x, wt, 1, 1), oracleForward(dense(x), dense(wt), 1, 1), 1e-6);
    expectClose(adderBackwardInput(x, wt, g, 1, 1), back.gradX, 1e-6);
    expectClose(adderBackwardWeight(x, wt, g, 1, 1), back.gradW, 1e-5);
  });

  it('padded taps count |w| (a zero image with padding 1 sums |w| over the taps inside the padding)', () => {
    const x = fromArray([[[[0]]]], 'float64');
    const wt = fromArray([[[[1, -2, 3], [-4, 5, -6], [7, -8, 9]]]], 'float64');
    expect(adderForward(x, wt, 1, 1).toArray()).toEqual([[[[-45]]]]);
  });

  it('scaleAdderGrad gives the layer gradient the norm eta * sqrt(numel) and keeps its direction', () => {
    const raw = normal([4, 3, 3, 3], 5, 'float64', 7);
    const scaled = scaleAdderGrad(raw, 0.2).toTyped();
    const r = raw.toTyped();
    let sq = 0;
    let dot = 0;
    let rsq = 0;
    for (let i = 0; i < r.length; i++) {
      sq += scaled[i]! * scaled[i]!;
      dot += scaled[i]! * r[i]!;
      rsq += r[i]! * r[i]!;
    }
    expect(Math.sqrt(sq)).toBeCloseTo(0.2 * Math.sqrt(108), 10);
    expect(dot / Math.sqrt(sq * rsq)).toBeCloseTo(1, 12);
    // A zero gradient stays zero (norm floor 1e-12, no division by zero).
    expect([...scaleAdderGrad(fromArray([0, 0, 0], 'float64')).toTyped()]).toEqual([0, 0, 0]);
  });

  it('rejects mismatched channels, dtypes and gradient shapes with the op name', () => {
    const x = normal([1, 2, 4, 4], 1);
    expect(() => adderForward(x, normal([3, 1, 3, 3], 2))).toThrow(/adderForward: .*input channels/);
    expect(() => adderForward(x, normal([3, 2, 3, 3], 2, 'float32'))).toThrow(/adderForward: .*float64.*float32/);
    expect(() => adderBackwardInput(x, normal([3, 2, 3, 3], 2), normal([1, 3, 3, 3], 3))).toThrow(/adderBackwardInput: expected gradOut of shape \[1, 3, 2, 2\]/);
    expect(() => adderForward(x, normal([3, 2, 5, 5], 2))).toThrow(/does not fit/);
  });
});
