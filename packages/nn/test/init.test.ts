// Initialisers: bounds and moments of the seeded draws, fans, and determinism under a seed.
import { Generator, zeros as ndZeros } from '@adder/tensor';
import { describe, expect, it } from 'vitest';
import { init } from '../src/index';

function stats(d: ArrayLike<number>): { mean: number; std: number; min: number; max: number } {
  let s = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < d.length; i++) {
    s += d[i]!;
    min = Math.min(min, d[i]!);
    max = Math.max(max, d[i]!);
  }
  const mean = s / d.length;
  let v = 0;
  for (let i = 0; i < d.length; i++) v += (d[i]! - mean) ** 2;
  return { mean, std: Math.sqrt(v / d.length), min, max };
}

describe('init', () => {
  it('fans of conv and linear weights', () => {
    expect(init.calculateFans([16, 3, 3, 3])).toEqual({ fanIn: 27, fanOut: 144 });
    expect(init.calculateFans([10, 64])).toEqual({ fanIn: 64, fanOut: 10 });
    expect(() => init.calculateFans([5])).toThrow(/init: .*at least 2 dims/);
  });

  it('PyTorch default layer init is U(+-1/sqrt(fan_in)) for weight and bias', () => {
    const w = ndZeros([64, 16, 3, 3]);
    const b = ndZeros([64]);
    init.defaultLayerInit(w, b, { generator: new Generator(1) });
    const bound = 1 / Math.sqrt(16 * 9);
    const sw = stats(w.data);
    expect(sw.max).toBeLessThanOrEqual(bound);
    expect(sw.min).toBeGreaterThanOrEqual(-bound);
    expect(sw.max).toBeGreaterThan(0.95 * bound);
    // U(-b, b) has std b/sqrt(3); over 9216 draws its sampling error is ~0.3%, so 2% is > 5 sigma
    expect(Math.abs(sw.std / (bound / Math.sqrt(3)) - 1)).toBeLessThan(0.02);
    expect(Math.abs(sw.mean)).toBeLessThan(0.05 * bound);
    const sb = stats(b.data);
    expect(sb.max).toBeLessThanOrEqual(bound);
    expect(sb.min).toBeGreaterThanOrEqual(-bound);
  });

  it('kaimingNormal fan_out relu has std sqrt(2/fan_out)', () => {
    const w = ndZeros([128, 32, 3, 3], 'float64');
    init.kaimingNormal(w, { mode: 'fan_out', nonlinearity: 'relu', generator: new Generator(2) });
    const s = stats(w.data);
    // 36864 draws: the std's sampling error is ~0.4%, so 2% is ~5 sigma
    expect(Math.abs(s.std / Math.sqrt(2 / (128 * 9)) - 1)).toBeLessThan(0.02);
    expect(Math.abs(s.mean)).toBeLessThan(0.003);
  });

  it('normal, uniform, zeros, ones and determinism under a seed', () => {
    const a = init.normal(ndZeros([20000], 'float64'), 2, 0.5, { generator: new Generator(3) });
    const s = stats(a.data);
    // 20000 draws: sampling errors 0.0035 (mean) and 0.0025 (std); bounds ~5 sigma
    expect(Math.abs(s.mean - 2)).toBeLessThan(0.02);
    expect(Math.abs(s.std - 0.5)).toBeLessThan(0.015);
    const u = init.uniform(ndZeros([1000]), -2, -1, { generator: new Generator(4) });
    expect(stats(u.data).min).toBeGreaterThanOrEqual(-2);
    expect(stats(u.data).max).toBeLessThan(-1);
    expect(Array.from(init.ones(ndZeros([3])).data)).toEqual([1, 1, 1]);
    expect(Array.from(init.zeros(init.ones(ndZeros([2]))).data)).toEqual([0, 0]);
    const x = init.normal(ndZeros([5]), 0, 1, { generator: new Generator(7) });
    const y = init.normal(ndZeros([5]), 0, 1, { generator: new Generator(7) });
    expect(Array.from(x.data)).toEqual(Array.from(y.data));
  });

  it('fills a strided view in place without touching the rest', () => {
    const a = ndZeros([3, 4]);
    init.ones(a.slice(1, 0, 4, 2));
    expect(a.toArray()).toEqual([[1, 0, 1, 0], [1, 0, 1, 0], [1, 0, 1, 0]]);
  });
});
