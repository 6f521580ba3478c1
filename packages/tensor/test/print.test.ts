// toString against golden strings printed by PyTorch 1.13 (repr with 'torch.' dropped from the dtype), and,
// when /usr/bin/python3 has torch, against live PyTorch on many drawn tensors.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Generator, arange, fromArray, scalar, zeros, type DType, type NDArray } from '../src/index';

const f32 = (xs: number[], shape?: number[]): NDArray => fromArray(new Float32Array(xs), shape ?? [xs.length]);
const f64 = (xs: number[], shape?: number[]): NDArray => fromArray(new Float64Array(xs), shape ?? [xs.length]);

describe('toString golden strings (from torch 1.13 repr)', () => {
  const cases: [string, () => NDArray, string][] = [
    ['2x2 int-valued floats', () => f32([1, 2, 3, 4], [2, 2]), 'tensor([[1., 2.],\n        [3., 4.]])'],
    ['fixed precision 4', () => f32([0.1, 2.5]), 'tensor([0.1000, 2.5000])'],
    ['0-d int-valued', () => scalar(1), 'tensor(1.)'],
    ['0-d fraction', () => scalar(0.5), 'tensor(0.5000)'],
    ['0-d float64', () => scalar(2.5, 'float64'), 'tensor(2.5000, dtype=float64)'],
    ['nan does not widen columns', () => f32([1, NaN]), 'tensor([1., nan])'],
    ['-inf does not widen columns', () => f32([1, -Infinity]), 'tensor([1., -inf])'],
    ['inf and nan pad to the width', () => f32([0.5, Infinity, NaN]), 'tensor([0.5000,    inf,    nan])'],
    ['int-valued with ratio > 1000 goes scientific', () => f32([1, 2000]), 'tensor([1.0000e+00, 2.0000e+03])'],
    ['ratio exactly 1000 stays fixed', () => f32([1, 1000]), 'tensor([   1., 1000.])'],
    ['tiny values go scientific', () => f32([1e-5, 1]), 'tensor([1.0000e-05, 1.0000e+00])'],
    ['huge values go scientific', () => f32([1e9, 1]), 'tensor([1.0000e+09, 1.0000e+00])'],
    ['exact ties round half to even, as Python', () => f32([0.03125, 0.09375, -0.03125, 1.03125]), 'tensor([ 0.0312,  0.0938, -0.0312,  1.0312])'],
    ['negative zero keeps its sign', () => f32([0, -0]), 'tensor([0., -0.])'],
    ['all zeros', () => f32([0, 0]), 'tensor([0., 0.])'],
    ['zero among fractions', () => f32([-0.5, 0]), 'tensor([-0.5000,  0.0000])'],
    ['lines wrap at 80 columns', () => arange(20), 'tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n        14., 15., 16., 17., 18., 19.])'],
    [
      'summarised vector: 3 edge items, the format chosen from the printed values only',
      () => arange(2000),
      'tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n        1.9990e+03])',
    ],
    [
      'summarised rows',
      () => arange(1200).reshape([600, 2]),
      'tensor([[0.0000e+00, 1.0000e+00],\n        [2.0000e+00, 3.0000e+00],\n        [4.0000e+00, 5.0000e+00],\n        ...,\n        [1.1940e+03, 1.1950e+03],\n        [1.1960e+03, 1.1970e+03],\n        [1.1980e+03, 1.1990e+03]])',
    ],
    [
      'summarised columns',
      () => arange(1200).reshape([2, 600]),
      'tensor([[0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 5.9700e+02, 5.9800e+02,\n         5.9900e+02],\n        [6.0000e+02, 6.0100e+02, 6.0200e+02,  ..., 1.1970e+03, 1.1980e+03,\n         1.1990e+03]])',
    ],
    ['int32', () => arange(6, undefined, 1, 'int32').reshape([2, 3]), 'tensor([[0, 1, 2],\n        [3, 4, 5]], dtype=int32)'],
    ['uint8', () => fromArray(new Uint8Array([0, 255, 7])), 'tensor([  0, 255,   7], dtype=uint8)'],
    ['summarised int32', () => arange(2000, undefined, 1, 'int32'), 'tensor([   0,    1,    2,  ..., 1997, 1998, 1999], dtype=int32)'],
    ['empty vector', () => zeros([0]), 'tensor([])'],
    ['empty matrix shows its size', () => zeros([0, 3]), 'tensor([], size=(0, 3))'],
    ['empty float64', () => zeros([2, 0, 3], 'float64'), 'tensor([], size=(2, 0, 3), dtype=float64)'],
    ['empty int32', () => zeros([0], 'int32'), 'tensor([], dtype=int32)'],
    [
      'the dtype suffix wraps like torch',
      () =>
        f64([0.4605, 1.1174, 0.369, -0.1872, -3.1453, -0.1137, 1.6962, -0.6652, 1.1547, -0.0861, -1.9612, 0.2209, -1.3809, -2.0548, -0.1084, 0.3151, -0.5226, -0.592, -0.8913, -0.4465, -0.7012, 0.3263, 0.1096, 0.7026, 0.3808, -0.066, -0.7566, 0.3687, -0.1727, 0.9751]),
      'tensor([ 0.4605,  1.1174,  0.3690, -0.1872, -3.1453, -0.1137,  1.6962, -0.6652,\n         1.1547, -0.0861, -1.9612,  0.2209, -1.3809, -2.0548, -0.1084,  0.3151,\n        -0.5226, -0.5920, -0.8913, -0.4465, -0.7012,  0.3263,  0.1096,  0.7026,\n         0.3808, -0.0660, -0.7566,  0.3687, -0.1727,  0.9751],\n       dtype=float64)',
    ],
    ['one scientific value switches all', () => f64([1e-10, 5, 2, 3], [2, 2]), 'tensor([[1.0000e-10, 5.0000e+00],\n        [2.0000e+00, 3.0000e+00]], dtype=float64)'],
    ['scientific rounding', () => f32([-1234567, 3]), 'tensor([-1.2346e+06,  3.0000e+00])'],
    [
      '4-d blank lines between blocks',
      () => arange(16, undefined, 1, 'float64').reshape([2, 2, 2, 2]),
      'tensor([[[[ 0.,  1.],\n          [ 2.,  3.]],\n\n         [[ 4.,  5.],\n          [ 6.,  7.]]],\n\n\n        [[[ 8.,  9.],\n          [10., 11.]],\n\n         [[12., 13.],\n          [14., 15.]]]], dtype=float64)',
    ],
  ];
  for (const [name, make, want] of cases) it(name, () => expect(make().toString()).toBe(want));

  it('a strided view prints its logical values', () => {
    const t = arange(4).reshape([2, 2]).transpose();
    expect(t.toString()).toBe('tensor([[0., 2.],\n        [1., 3.]])');
    expect(String(arange(6).flip(0).slice(0, 1, 6, 2))).toBe('tensor([4., 2., 0.])');
  });
});

const TORCH_PY = '/usr/bin/python3';
const hasTorch = ((): boolean => {
  if (!existsSync(TORCH_PY)) return false;
  try {
    // find_spec locates the package without the slow import
    const out = execFileSync(TORCH_PY, ['-c', "import importlib.util; print(importlib.util.find_spec('torch') is not None)"], { timeout: 60_000 });
    return out.toString().trim() === 'True';
  } catch {
    return false;
  }
})();

/** Drawn tensors of several scales, with nan/inf, ties, summarised sizes and strided layouts. */
function drawnCases(): NDArray[] {
  const g = new Generator(31337);
  const out: NDArray[] = [];
  const shapes = [[], [1], [5], [3, 4], [2, 3, 4], [2, 1, 3, 2], [1001], [3, 400], [12, 10, 10], [30], [7, 13]];
  const scales = [1e-6, 1e-3, 1, 37, 1000, 1e9];
  for (const shape of shapes) {
    for (const dtype of ['float32', 'float64', 'int32'] as DType[]) {
      for (const scale of dtype === 'int32' ? [100] : scales) {
        const n = shape.reduce((p, d) => p * d, 1);
        const vals = Array.from({ length: n }, () => {
          const r = g.random();
          const v = g.normal() * scale;
          if (dtype === 'int32') return Math.round(v);
          if (r < 0.03) return [NaN, Infinity, -Infinity][g.randint(0, 3)]!;
          if (r < 0.2) return Math.round(v); // int-valued entries
          if (r < 0.3) return g.randint(-64, 64) / 32; // exact ties at 4 decimals
          return v;
        });
        const typed = dtype === 'float32' ? new Float32Array(vals) : dtype === 'float64' ? new Float64Array(vals) : new Int32Array(vals);
        const t = fromArray(typed, shape);
        out.push(shape.length >= 2 ? t.transpose(0, -1) : t);
      }
    }
  }
  return out;
}

describe.skipIf(!hasTorch)('toString against live PyTorch (needs /usr/bin/python3 with torch)', () => {
  it('matches repr on drawn tensors', () => {
    const arrays = drawnCases();
    const dir = mkdtempSync(join(tmpdir(), 'adder-print-'));
    try {
      const enc = (v: number): number | string => (Object.is(v, -0) ? '-0.0' : Number.isFinite(v) ? v : String(v));
      const input = arrays.map((a) => ({ shape: [...a.shape], dtype: a.dtype, data: Array.from(a.toTyped(), enc) }));
      writeFileSync(join(dir, 'in.json'), JSON.stringify(input));
      const script = [
        'import json, sys, torch',
        'cases = json.load(open(sys.argv[1]))',
        "dec = lambda v: float(v.replace('Infinity', 'inf').replace('NaN', 'nan')) if isinstance(v, str) else v",
        'out = []',
        'for c in cases:',
        "    t = torch.tensor([dec(v) for v in c['data']], dtype=getattr(torch, c['dtype'])).reshape(c['shape'])",
        "    out.append(repr(t).replace('dtype=torch.', 'dtype='))",
        'json.dump(out, open(sys.argv[2], "w"))',
      ].join('\n');
      execFileSync(TORCH_PY, ['-c', script, join(dir, 'in.json'), join(dir, 'out.json')], { timeout: 60_000 });
      const want = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as string[];
      arrays.forEach((a, i) => expect(a.toString()).toBe(want[i]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
