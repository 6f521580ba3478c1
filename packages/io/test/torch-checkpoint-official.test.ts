// The official ResNet-20 AdderNet checkpoint (legacy format, cuda:0 storages), against values torch read from it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { NDArray } from '@adder/tensor';
import { loadTorchCheckpoint } from '../src/torch-checkpoint';
import { HAS_OFFICIAL, OFFICIAL_PTH, PTH_DIR } from './pickle-fixtures';

interface OfficialKey {
  shape: number[];
  dtype: string;
  stride: number[];
  sum: number;
  first: number[];
  last: number;
}
const OFFICIAL = JSON.parse(readFileSync(join(PTH_DIR, 'official_expected.json'), 'utf8')) as { count: number; keys: Record<string, OfficialKey> };

/** Row-major values through the view's strides. */
function rowMajor(a: NDArray): number[] {
  return Array.from(a.contiguous().data);
}

describe.skipIf(!HAS_OFFICIAL)('official ResNet20-AdderNet.pth', () => {
  const raw = HAS_OFFICIAL ? loadTorchCheckpoint(OFFICIAL_PTH) : {};
  const sd = HAS_OFFICIAL ? loadTorchCheckpoint(OFFICIAL_PTH, { stripPrefix: 'module.' }) : {};

  it('has the 132 keys torch lists, in order, with module. stripped on request', () => {
    expect(Object.keys(raw)).toHaveLength(132);
    expect(OFFICIAL.count).toBe(132);
    expect(Object.keys(raw)).toEqual(Object.keys(OFFICIAL.keys));
    expect(Object.keys(sd)).toEqual(Object.keys(OFFICIAL.keys).map((k) => k.replace(/^module\./, '')));
  });

  it('has the shapes of conv1.weight and layer3.2.conv2.adder', () => {
    expect(sd['conv1.weight']!.shape).toEqual([16, 3, 3, 3]);
    expect(sd['layer3.2.conv2.adder']!.shape).toEqual([64, 64, 3, 3]);
  });

  it('loads num_batches_tracked (int64) as int32 with torch\'s value', () => {
    const n = sd['bn1.num_batches_tracked']!;
    expect(n.dtype).toBe('int32');
    expect(n.shape).toEqual([]);
    expect(n.item()).toBe(OFFICIAL.keys['module.bn1.num_batches_tracked']!.first[0]);
  });

  it('matches every tensor\'s shape, stride, first and last values and sum', () => {
    for (const [key, e] of Object.entries(OFFICIAL.keys)) {
      const a = raw[key]!;
      expect(a.shape, key).toEqual(e.shape);
      expect(a.strides, key).toEqual(e.stride);
      expect(a.dtype, key).toBe(e.dtype === 'int64' ? 'int32' : 'float32');
      const v = rowMajor(a);
      expect(v.slice(0, 4), key).toEqual(e.first);
      expect(v[v.length - 1], key).toBe(e.last);
      // A float64 sum of the same float32 values; only the summation order differs from torch's.
      let s = 0;
      let abs = 0;
      for (const x of v) {
        s += x;
        abs += Math.abs(x);
      }
      expect(Math.abs(s - e.sum), key).toBeLessThanOrEqual(abs * 1e-13);
    }
  });
});
