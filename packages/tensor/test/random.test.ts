// The seeded generator: golden sequences from an independent BigInt implementation of SplitMix32 seeding and
// xoshiro128**, derived uniforms/normals/ints/permutations, and sample moments within statistical bounds.
import { describe, expect, it } from 'vitest';
import { Generator, TensorError, defaultGenerator, manualSeed, permutation, rand, randint, randn } from '../src/index';

const M32 = (1n << 32n) - 1n;
const rotl = (x: bigint, k: bigint): bigint => ((x << k) | (x >> (32n - k))) & M32;

/** Reference generator in BigInt arithmetic, written from the algorithm's description (mod 2^32 everywhere). */
class RefXoshiro {
  s: bigint[];
  constructor(seed: number) {
    // the seed word: (trunc(seed) mod 2^32) XOR (trunc(seed / 2^32) mod 2^32)
    let x = (BigInt(Math.trunc(seed)) & M32) ^ (BigInt(Math.trunc(seed / 2 ** 32)) & M32);
    const split = (): bigint => {
      x = (x + 0x9e3779b9n) & M32;
      let z = x;
      z = ((z ^ (z >> 16n)) * 0x85ebca6bn) & M32;
      z = ((z ^ (z >> 13n)) * 0xc2b2ae35n) & M32;
      return z ^ (z >> 16n);
    };
    this.s = [split(), split(), split(), split()];
  }
  next(): bigint {
    const [s0, s1, s2, s3] = this.s as [bigint, bigint, bigint, bigint];
    const result = (rotl((s1 * 5n) & M32, 7n) * 9n) & M32;
    const t = (s1 << 9n) & M32;
    let n2 = s2 ^ s0;
    let n3 = s3 ^ s1;
    const n1 = s1 ^ n2;
    const n0 = s0 ^ n3;
    n2 ^= t;
    n3 = rotl(n3, 11n);
    this.s = [n0, n1, n2, n3];
    return result;
  }
  /** 53-bit uniform: 27 high bits of one output, 26 of the next. */
  uniform(): number {
    const hi = this.next() >> 5n;
    const lo = this.next() >> 6n;
    return Number((hi << 26n) | lo) / 2 ** 53;
  }
}

describe('Generator golden sequences', () => {
  it('xoshiro128** from state (1, 2, 3, 4) starts with rotl(2 * 5, 7) * 9 = 11520', () => {
    const g = new Generator(0);
    g.setState({ s: [1, 2, 3, 4], spareNormal: null });
    expect(g.nextUint32()).toBe(11520);
    const ref = new RefXoshiro(0);
    ref.s = [1n, 2n, 3n, 4n];
    ref.next();
    for (let i = 0; i < 20; i++) expect(g.nextUint32()).toBe(Number(ref.next()));
  });

  for (const seed of [0, 1, 42, 2 ** 31 + 7, -1, 2 ** 32 + 5, 123456789012]) {
    it(`seed ${seed}: uint32 and uniform streams match the reference`, () => {
      const g = new Generator(seed);
      const ref = new RefXoshiro(seed);
      for (let i = 0; i < 64; i++) expect(g.nextUint32()).toBe(Number(ref.next()));
      for (let i = 0; i < 64; i++) expect(g.random()).toBe(ref.uniform());
    });
  }

  it('the initial state is SplitMix32 of the seed', () => {
    const ref = new RefXoshiro(7);
    expect(new Generator(7).getState().s).toEqual(ref.s.map(Number));
  });

  it('normal() is Box-Muller on consecutive uniforms, cos first, then the sin spare', () => {
    const g = new Generator(3);
    const ref = new RefXoshiro(3);
    for (let pair = 0; pair < 16; pair++) {
      const u = ref.uniform();
      const v = ref.uniform();
      const r = Math.sqrt(-2 * Math.log(u));
      expect(g.normal()).toBe(r * Math.cos(2 * Math.PI * v));
      expect(g.normal()).toBe(r * Math.sin(2 * Math.PI * v));
    }
  });

  it('randn, rand, randint and permutation draw from the reference stream', () => {
    const ref = new RefXoshiro(11);
    const n = randn([3], { dtype: 'float64', generator: new Generator(11), mean: 2, std: 3 }).toTyped();
    const u = ref.uniform();
    const v = ref.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    expect(Array.from(n.slice(0, 2))).toEqual([2 + 3 * r * Math.cos(2 * Math.PI * v), 2 + 3 * r * Math.sin(2 * Math.PI * v)]);

    const ref2 = new RefXoshiro(5);
    const x = rand([4], { dtype: 'float64', low: -2, high: 6, generator: new Generator(5) }).toTyped();
    expect(Array.from(x)).toEqual([0, 1, 2, 3].map(() => -2 + 8 * ref2.uniform()));

    const ref3 = new RefXoshiro(9);
    const k = randint(-3, 7, [6], { generator: new Generator(9) }).toTyped();
    expect(Array.from(k)).toEqual([0, 1, 2, 3, 4, 5].map(() => -3 + Math.floor(ref3.uniform() * 10)));

    // Fisher-Yates from the end: swap i with j = floor(u * (i + 1))
    const ref4 = new RefXoshiro(13);
    const want = Array.from({ length: 10 }, (_, i) => i);
    for (let i = 9; i > 0; i--) {
      const j = Math.floor(ref4.uniform() * (i + 1));
      [want[i], want[j]] = [want[j]!, want[i]!];
    }
    expect(Array.from(permutation(10, { generator: new Generator(13) }).toTyped())).toEqual(want);
  });

  it('getState/setState resume a stream bit-exactly, including a pending normal', () => {
    const g = new Generator(21);
    g.normal();
    const st = g.getState();
    const a = [g.normal(), g.normal(), g.random(), g.nextUint32()];
    const h = new Generator(999);
    h.setState(JSON.parse(JSON.stringify(st)));
    expect([h.normal(), h.normal(), h.random(), h.nextUint32()]).toEqual(a);
  });

  it('manualSeed reseeds the default generator', () => {
    manualSeed(77);
    const a = rand([5]).toTyped();
    manualSeed(77);
    expect(rand([5]).toTyped()).toEqual(a);
    expect(defaultGenerator.getState().s).not.toEqual(new Generator(77).getState().s);
  });
});

describe('sample statistics (fixed seeds, bounds of several standard errors)', () => {
  it('randn moments: mean 0, variance 1, skewness 0, kurtosis 3', () => {
    const n = 40000;
    const x = randn([n], { dtype: 'float64', generator: new Generator(2024) }).toTyped();
    let m = 0;
    for (const v of x) m += v;
    m /= n;
    let m2 = 0, m3 = 0, m4 = 0;
    for (const v of x) {
      const d = v - m;
      m2 += d * d;
      m3 += d * d * d;
      m4 += d * d * d * d;
    }
    m2 /= n;
    m3 /= n;
    m4 /= n;
    // standard errors of a normal sample: sqrt(1/n), sqrt(2/n), sqrt(6/n), sqrt(24/n); allow 5 of them
    expect(Math.abs(m)).toBeLessThan(5 * Math.sqrt(1 / n));
    expect(Math.abs(m2 - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(m3 / m2 ** 1.5)).toBeLessThan(5 * Math.sqrt(6 / n));
    expect(Math.abs(m4 / (m2 * m2) - 3)).toBeLessThan(5 * Math.sqrt(24 / n));
    // the tails: P(|z| > 2) = 0.0455
    const tail = Array.from(x).filter((v) => Math.abs(v) > 2).length / n;
    expect(Math.abs(tail - 0.0455)).toBeLessThan(5 * Math.sqrt((0.0455 * 0.9545) / n));
  });

  it('randn with mean and std in float32', () => {
    const n = 20000;
    const x = randn([n], { mean: 3, std: 0.5, generator: new Generator(8) });
    expect(x.dtype).toBe('float32');
    const d = Array.from(x.toTyped());
    const m = d.reduce((p, v) => p + v, 0) / n;
    const s2 = d.reduce((p, v) => p + (v - m) ** 2, 0) / n;
    expect(Math.abs(m - 3)).toBeLessThan(5 * 0.5 * Math.sqrt(1 / n));
    expect(Math.abs(s2 - 0.25)).toBeLessThan(5 * 0.25 * Math.sqrt(2 / n));
  });

  it('rand is uniform on [low, high): range, mean and decile counts', () => {
    const n = 20000;
    const x = rand([n], { generator: new Generator(4), low: -1, high: 3 }).toTyped();
    const counts = new Array<number>(10).fill(0);
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of x) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
      counts[Math.floor(((v + 1) / 4) * 10)]!++;
    }
    expect(lo).toBeGreaterThanOrEqual(-1);
    expect(hi).toBeLessThan(3);
    // chi-square with 9 degrees of freedom: P(> 27.9) = 0.001
    const e = n / 10;
    const chi = counts.reduce((p, c) => p + (c - e) ** 2 / e, 0);
    expect(chi).toBeLessThan(27.9);
  });

  it('randint covers [low, high) evenly; permutation is a permutation', () => {
    const n = 12000;
    const x = randint(5, 11, [n], { generator: new Generator(6) }).toTyped();
    const counts = new Array<number>(6).fill(0);
    for (const v of x) counts[v - 5]!++;
    const e = n / 6;
    // chi-square, 5 degrees of freedom: P(> 20.5) = 0.001
    expect(counts.reduce((p, c) => p + (c - e) ** 2 / e, 0)).toBeLessThan(20.5);
    const p = Array.from(permutation(50, { generator: new Generator(1) }).toTyped());
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(p).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(Array.from(permutation(0).toTyped())).toEqual([]);
  });
});

describe('float32 rand never returns high', () => {
  it('a uniform that rounds up to 1 in float32 is redrawn', () => {
    /** A generator whose first uniform is the largest double below 1 (float32 rounds it to 1). */
    class Edge extends Generator {
      calls = 0;
      override random(): number {
        return this.calls++ === 0 ? 1 - 2 ** -53 : 0.25;
      }
    }
    const g = new Edge(0);
    expect(Math.fround(1 - 2 ** -53)).toBe(1);
    expect(Array.from(rand([2], { generator: g }).toTyped())).toEqual([0.25, 0.25]);
    expect(g.calls).toBe(3);
  });
});

describe('random errors', () => {
  it('bad arguments throw naming the op', () => {
    expect(() => randint(3, 3, [2])).toThrow(TensorError);
    expect(() => randint(3, 3, [2])).toThrow(/^randint: expected integers low < high, got 3, 3/);
    expect(() => randint(0, 300, [2], { dtype: 'uint8' })).toThrow(/^randint: range \[0, 300\) does not fit dtype uint8/);
    expect(() => rand([2], { dtype: 'int32' })).toThrow(/^rand: expected dtype float32 or float64, got int32/);
    expect(() => randn([2], { dtype: 'uint8' })).toThrow(/^randn: /);
    expect(() => rand([2], { low: 1, high: 0 })).toThrow(/^rand: /);
    expect(() => rand([2.5])).toThrow(/^rand: sizes must be non-negative integers/);
    expect(() => randn([-1])).toThrow(/^randn: /);
    expect(() => permutation(-2)).toThrow(/^permutation: /);
    expect(() => new Generator(NaN)).toThrow(/^Generator.seed: /);
    expect(() => new Generator(1).setState({ s: [0, 0, 0, 0], spareNormal: null })).toThrow(/^Generator.setState: /);
  });
});
