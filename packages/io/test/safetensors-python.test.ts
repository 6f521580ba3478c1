// Interop: what we write, the generator's Python reader (with torch) reads, and what it writes we read back.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { NDArray } from '@adder/tensor';
import { loadSafetensors, saveSafetensors } from '../src/safetensors';

const PYTHON = '/usr/bin/python3';
const SCRIPT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../tools/golden/safetensors_io.py');
const hasTorch = existsSync(PYTHON) && existsSync(SCRIPT) && spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;

describe.skipIf(!hasTorch)('safetensors round trip through the Python reader/writer (torch)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'safetensors-py-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('Python reads our F32/F64/I32/I64/U8 tensors and metadata, and we read its F16/BF16/BOOL output', () => {
    const src = join(dir, 'in.safetensors');
    const dst = join(dir, 'out.safetensors');
    const f32 = NDArray.fromTyped(new Float32Array([0.5, -1.25, 3, 1e-3, 7, 8]), [2, 3]).transpose(0, 1);
    const f64 = NDArray.fromTyped(new Float64Array([Math.PI, -Math.E]), [2]);
    const i32 = NDArray.fromTyped(new Int32Array([7, -2147483647]), [2]);
    const target = NDArray.fromTyped(new Int32Array([3, 0, -100]), [3]);
    const count = NDArray.fromTyped(new Int32Array([12]), []);
    const u8 = NDArray.fromTyped(new Uint8Array([0, 255, 9]), [3]);
    saveSafetensors(src, { f32, f64, i32, target, 'bn.num_batches_tracked': count, u8 }, { kind: 'op', op: 'test' }, {
      int64Keys: (k) => k === 'target' || k.endsWith('num_batches_tracked'),
    });
    const run = spawnSync(PYTHON, [SCRIPT, src, dst], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const { tensors: t, metadata } = loadSafetensors(dst);
    expect(metadata).toEqual({
      kind: 'op',
      op: 'test',
      python: 'seen',
      dtypes: 'f32:F32,f64:F64,i32:I32,target:I64,bn.num_batches_tracked:I64,u8:U8',
    });
    expect(t.f32!.shape).toEqual([3, 2]);
    expect(Array.from(t.f32!.data)).toEqual([1.5, 1.001, -0.25, 8, 4, 9].map(Math.fround));
    expect(Array.from(t.f64!.data)).toEqual([Math.PI + 1, -Math.E + 1]);
    expect(Array.from(t.i32!.data)).toEqual([-7, 2147483647]);
    expect(t.target!.dtype).toBe('int32');
    expect(Array.from(t.target!.data)).toEqual([-3, 0, 100]);
    expect(t['bn.num_batches_tracked']!.shape).toEqual([]);
    expect(t['bn.num_batches_tracked']!.item()).toBe(-12);
    expect(Array.from(t.u8!.data)).toEqual([0, 255, 9]);
    // torch's half of 0.1 is 0.0999755859375 (nearest binary16); bf16 keeps 8 significant bits: 0.10009765625
    expect(Array.from(t['extra.f16']!.data)).toEqual([1, -2.5, 0.0999755859375, 65504]);
    expect(Array.from(t['extra.bf16']!.data)).toEqual([1.5, -3, 0.10009765625]);
    expect(t['extra.bool']!.dtype).toBe('uint8');
    expect(Array.from(t['extra.bool']!.data)).toEqual([1, 0, 1]);
  });
});
