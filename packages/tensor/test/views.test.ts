// Views against the oracle: strided reads, permute, transpose, slice, narrow, flip, expand, squeeze,
// unsqueeze, and reshape/view (a view exactly when the layout allows it, else a copy).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NDArray, fromArray, arange, scalar, zeros } from '../src/index';
import { arrayArb, arrayOfShape, expectDense, shapeArb } from './arbitraries';
import { type Dense, at, build, flatten, flipRef, numel, permuteRef, sliceRef, unravel, npBroadcast, broadcastIndex } from './oracle';

const RUNS = { numRuns: 60 };

/** A shape with `n` elements, built from drawn divisors (n = 0 gets one zero dim). */
function factorShapeArb(n: number): fc.Arbitrary<number[]> {
  return fc.array(fc.nat(), { maxLength: 4 }).map((seeds) => {
    if (n === 0) return [...seeds.map((s) => (s % 3) + 1), 0].sort((x, y) => x - y).reverse();
    let rem = n;
    const out: number[] = [];
    for (const s of seeds) {
      const divs: number[] = [];
      for (let d = 1; d <= rem; d++) if (rem % d === 0) divs.push(d);
      const d = divs[s % divs.length]!;
      out.push(d);
      rem /= d;
    }
    out.push(rem);
    return out;
  });
}

/** True when element positions are affine in the index of `shape`: the condition for a strided view. */
function isAffine(positions: readonly number[], shape: readonly number[]): boolean {
  if (positions.length === 0) return true;
  const strides = shape.map((d, k) => {
    if (d === 1) return 0;
    const e = shape.map((_, j) => (j === k ? 1 : 0));
    let flat = 0;
    for (let j = 0; j < shape.length; j++) flat = flat * shape[j]! + e[j]!;
    return positions[flat]! - positions[0]!;
  });
  return positions.every((p, f) => {
    const idx = unravel(f, shape);
    return p === positions[0]! + idx.reduce((s, v, k) => s + v * strides[k]!, 0);
  });
}

describe('strided layouts', () => {
  it('the layout arbitrary really draws permuted, offset, flipped, expanded and stepped arrays', () => {
    const xs = fc.sample(arrayArb('float32', 'float', { minDims: 2 }), { numRuns: 400, seed: 7 });
    const count = (p: (a: NDArray) => boolean): number => xs.filter(({ arr }) => p(arr)).length;
    const big = (a: NDArray, i: number): boolean => a.shape[i]! > 1;
    expect(count((a) => !a.isContiguous)).toBeGreaterThan(300);
    expect(count((a) => a.offset > 0)).toBeGreaterThan(300);
    expect(count((a) => a.strides.some((s, i) => s < 0 && big(a, i)))).toBeGreaterThan(150);
    expect(count((a) => a.strides.some((s, i) => s === 0 && big(a, i)))).toBeGreaterThan(80);
    // a permuted layout: some larger stride after a smaller one among dims of size > 1
    expect(count((a) => a.strides.some((s, i) => big(a, i) && a.strides.slice(i + 1).some((t, j) => big(a, i + 1 + j) && Math.abs(t) > Math.abs(s) && s !== 0)))).toBeGreaterThan(60);
    expect(count((a) => a.isContiguous)).toBeGreaterThan(5);
  });

  it('get, toArray, offsets and toTyped agree with the oracle on every drawn layout', () => {
    fc.assert(
      fc.property(arrayArb('float32', 'float', { maxDims: 4 }), ({ arr, ref, pos }) => {
        expect(flatten(arr.toArray())).toEqual(ref.data);
        expect(Array.from(arr.offsets())).toEqual(pos.data);
        for (let f = 0; f < ref.data.length; f++) expect(arr.get(...unravel(f, ref.shape))).toBe(ref.data[f]);
        expectDense(arr, ref);
      }),
      RUNS,
    );
  });

  it('isContiguous is true exactly when positions are consecutive row-major, and contiguous() copies only then', () => {
    fc.assert(
      fc.property(arrayArb('float64', 'float'), ({ arr, ref, pos }) => {
        const consecutive = pos.data.every((p, i) => p === pos.data[0]! + i);
        // a size-0 or size-1 array is trivially contiguous; otherwise the positions decide
        if (ref.data.length > 1) expect(arr.isContiguous).toBe(consecutive);
        const c = arr.contiguous();
        expect(c.isContiguous).toBe(true);
        expectDense(c, ref);
        if (arr.isContiguous && arr.offset === 0 && arr.data.length === arr.size) expect(c).toBe(arr);
        else expect(c.storage).not.toBe(arr.storage);
      }),
      RUNS,
    );
  });

  it('clone is an independent copy', () => {
    fc.assert(
      fc.property(arrayArb('int32', 'int', { minDims: 1 }), ({ arr, ref }) => {
        const c = arr.clone();
        expectDense(c, ref);
        if (c.size > 0) {
          c.data.fill(99);
          expectDense(arr, ref);
        }
      }),
      RUNS,
    );
  });
});

describe('view ops match index arithmetic', () => {
  it('permute and transpose', () => {
    const arb = arrayArb('float32', 'float', { minDims: 1 }).chain((d) =>
      fc.tuple(fc.constant(d), fc.shuffledSubarray(d.ref.shape.map((_, i) => i), { minLength: d.ref.shape.length, maxLength: d.ref.shape.length })),
    );
    fc.assert(
      fc.property(arb, ([{ arr, ref }, perm]) => {
        const p = arr.permute(perm);
        expect(p.storage).toBe(arr.storage);
        expectDense(p, permuteRef(ref, perm));
        // negative axes name the same dims
        expectDense(arr.permute(perm.map((a) => a - perm.length)), permuteRef(ref, perm));
        if (ref.shape.length >= 2) {
          const n = ref.shape.length;
          const swap = ref.shape.map((_, i) => (i === n - 2 ? n - 1 : i === n - 1 ? n - 2 : i));
          expectDense(arr.transpose(), permuteRef(ref, swap));
          const sw0 = ref.shape.map((_, i) => (i === 0 ? n - 1 : i === n - 1 ? 0 : i));
          expectDense(arr.transpose(0, -1), permuteRef(ref, sw0));
        }
      }),
      RUNS,
    );
  });

  it('slice with negative and out-of-range bounds and steps, and narrow', () => {
    const arb = arrayArb('float64', 'float', { minDims: 1, maxSize: 6 }).chain((d) =>
      fc.tuple(
        fc.constant(d),
        fc.integer({ min: 0, max: d.ref.shape.length - 1 }),
        fc.integer({ min: -8, max: 8 }),
        fc.option(fc.integer({ min: -8, max: 8 })),
        fc.integer({ min: 1, max: 4 }),
      ),
    );
    fc.assert(
      fc.property(arb, ([{ arr, ref }, axis, start, end, step]) => {
        const e = end ?? ref.shape[axis]!;
        const s = arr.slice(axis, start, end ?? undefined, step);
        expect(s.storage).toBe(arr.storage);
        expectDense(s, sliceRef(ref, axis, start, e, step));
        const d = ref.shape[axis]!;
        const ns = Math.min(Math.abs(start), d);
        const len = Math.min(Math.abs(e), d - ns);
        expectDense(arr.narrow(axis - ref.shape.length, ns, len), sliceRef(ref, axis, ns, ns + len, 1));
        // a negative start counts from the end, as torch.narrow
        if (ns > 0 || len > 0) expectDense(arr.narrow(axis, ns - d, len), sliceRef(ref, axis, ns, ns + len, 1));
      }),
      RUNS,
    );
  });

  it('flip over drawn axis sets (negative axes too)', () => {
    const arb = arrayArb('int32', 'int', { minDims: 1 }).chain((d) =>
      fc.tuple(fc.constant(d), fc.subarray(d.ref.shape.map((_, i) => i))),
    );
    fc.assert(
      fc.property(arb, ([{ arr, ref }, axes]) => {
        const f = arr.flip(axes.map((a) => a - ref.shape.length));
        expect(f.storage).toBe(arr.storage);
        expectDense(f, flipRef(ref, axes));
        expectDense(f.flip(axes), ref);
      }),
      RUNS,
    );
  });

  it('expand/broadcastTo to a drawn larger shape uses stride 0 and reads the broadcast element', () => {
    const arb = shapeArb({ maxDims: 3 }).chain((s) =>
      fc.tuple(
        arrayOfShape(s.map((d, i) => (i % 2 === 0 ? 1 : d)), 'float32'),
        fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
        fc.constant(s),
      ),
    );
    fc.assert(
      fc.property(arb, ([{ arr, ref }, lead, s]) => {
        const target = [...lead, ...s];
        const e = arr.expand(target);
        expect(e.storage).toBe(arr.storage);
        expect(npBroadcast(ref.shape, target)).toEqual(target);
        expectDense(e, build(target, (i) => at(ref, broadcastIndex(i, ref.shape))));
        expectDense(arr.broadcastTo(target), build(target, (i) => at(ref, broadcastIndex(i, ref.shape))));
        // -1 keeps a size
        expectDense(arr.expand([...lead, ...ref.shape.map(() => -1)]), build([...lead, ...ref.shape], (i) => at(ref, broadcastIndex(i, ref.shape))));
        e.strides.forEach((st, k) => {
          if (k < lead.length || (ref.shape[k - lead.length] === 1 && target[k]! > 1)) expect(st).toBe(0);
        });
      }),
      RUNS,
    );
  });

  it('squeeze and unsqueeze', () => {
    const arb = shapeArb({ maxDims: 4, maxSize: 3 }).chain((s) => fc.tuple(arrayOfShape(s, 'float64'), fc.integer({ min: -s.length - 1, max: s.length })));
    fc.assert(
      fc.property(arb, ([{ arr, ref }, ax]) => {
        const u = arr.unsqueeze(ax);
        const pos = ax < 0 ? ax + ref.shape.length + 1 : ax;
        const shape = [...ref.shape];
        shape.splice(pos, 0, 1);
        expectDense(u, { shape, data: ref.data });
        expect(u.storage).toBe(arr.storage);
        expectDense(u.squeeze(pos), ref);
        expectDense(arr.squeeze(), { shape: ref.shape.filter((d) => d !== 1), data: ref.data });
        // squeezing a dim that is not 1 keeps it, as PyTorch does
        ref.shape.forEach((d, i) => {
          const want = d === 1 ? ref.shape.filter((_, j) => j !== i) : ref.shape;
          expect([...arr.squeeze(i).shape]).toEqual(want);
        });
      }),
      RUNS,
    );
  });
});

describe('reshape and view', () => {
  it('reshape is a view exactly when the layout allows it, a copy otherwise, and the data is right', () => {
    const arb = arrayArb('float32', 'float', { maxDims: 4 }).chain((d) => fc.tuple(fc.constant(d), factorShapeArb(numel(d.ref.shape))));
    let views = 0;
    let copies = 0;
    fc.assert(
      fc.property(arb, ([{ arr, ref, pos }, target]) => {
        const r = arr.reshape(target);
        const expected: Dense = { shape: target, data: ref.data };
        expectDense(r, expected);
        const viewable = isAffine(pos.data, target);
        if (viewable) {
          views++;
          expect(r.storage).toBe(arr.storage);
          expectDense(arr.view(target), expected);
        } else {
          copies++;
          expect(r.storage).not.toBe(arr.storage);
          expect(() => arr.view(target)).toThrow(/^view: /);
        }
        // a reshape that is a view writes through; a copy does not
        if (r.size > 0) {
          const before = arr.get(...unravel(0, ref.shape));
          r.set(before + 1, ...unravel(0, target));
          expect(arr.get(...unravel(0, ref.shape))).toBe(viewable ? before + 1 : before);
        }
      }),
      { numRuns: 150 },
    );
    expect(views).toBeGreaterThan(10);
    expect(copies).toBeGreaterThan(10);
  });

  it('reshape infers one -1 and handles 0-d', () => {
    const a = arange(12).reshape([3, -1]);
    expect([...a.shape]).toEqual([3, 4]);
    const s = scalar(7);
    expect([...s.reshape([1, 1]).shape]).toEqual([1, 1]);
    expect(s.reshape([1, 1]).reshape([]).item()).toBe(7);
    expect([...s.reshape([-1]).shape]).toEqual([1]);
    expect([...zeros([0, 3]).reshape([-1, 3]).shape]).toEqual([0, 3]);
  });
});

describe('elements, 0-d arrays and cast', () => {
  it('get/set with negative indices, set bumps the version', () => {
    const a = fromArray([[1, 2, 3], [4, 5, 6]]);
    expect(a.get(-1, -1)).toBe(6);
    const v = a.storage.version;
    a.set(9, -2, 1);
    expect(a.get(0, 1)).toBe(9);
    expect(a.storage.version).toBe(v + 1);
  });

  it('0-d arrays exist: shape [], size 1, item, toArray a number', () => {
    const s = scalar(2.5, 'float64');
    expect([...s.shape]).toEqual([]);
    expect(s.size).toBe(1);
    expect(s.item()).toBe(2.5);
    expect(s.toArray()).toBe(2.5);
    expect(s.get()).toBe(2.5);
    expect(s.isContiguous).toBe(true);
    const n = new NDArray(s.storage, []);
    expect(n.item()).toBe(2.5);
  });

  it('item reads through an offset view', () => {
    const a = arange(10, undefined, 1, 'int32');
    expect(a.slice(0, 7, 8).item()).toBe(7);
    expect(a.flip(0).slice(0, 2, 3).item()).toBe(7);
  });

  it('cast converts explicitly between all dtypes: toward zero into int32, modulo 256 into uint8', () => {
    const kinds = { float32: 'float', float64: 'float', int32: 'int', uint8: 'uint8' } as const;
    const arb = fc.constantFrom('float32', 'float64', 'int32', 'uint8' as const).chain((src) => arrayArb(src, kinds[src], { maxDims: 3 }));
    fc.assert(
      fc.property(arb, fc.constantFrom('float32', 'float64', 'int32', 'uint8' as const), ({ arr, ref }, dt) => {
        const c = arr.cast(dt);
        expect(c.dtype).toBe(dt);
        expect(c.storage).not.toBe(arr.storage);
        const conv = (x: number): number => {
          if (dt === 'float32') return Math.fround(x);
          if (dt === 'float64') return x;
          const t = Math.trunc(x);
          return dt === 'int32' ? t : ((t % 256) + 256) % 256;
        };
        expectDense(c, { shape: ref.shape, data: ref.data.map(conv) });
      }),
      RUNS,
    );
  });
});
