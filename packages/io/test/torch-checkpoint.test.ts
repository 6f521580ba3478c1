// loadTorchCheckpoint on files torch 1.13 wrote (zip and legacy), against the values torch held when saving.
import { describe, expect, it } from 'vitest';
import type { NDArray } from '@adder/tensor';
import { loadTorchCheckpoint, readTorchCheckpoint } from '../src/torch-checkpoint';
import type { ExpectedTensor } from './pickle-fixtures';
import { EXPECTED, fixture, fixtureBytes } from './pickle-fixtures';

/** The NDArray dtype each torch dtype loads as. */
const LOADS_AS: Record<string, string> = {
  float32: 'float32', float64: 'float64', float16: 'float32', int64: 'int32', int32: 'int32', uint8: 'uint8', bool: 'uint8',
};

/** Row-major values read element by element through shape/strides/offset (independent of contiguous()). */
function stridedValues(a: NDArray): number[] {
  const out: number[] = [];
  const idx = new Array<number>(a.ndim).fill(0);
  for (let n = 0; n < a.size; n++) {
    let o = a.offset;
    for (let d = 0; d < a.ndim; d++) o += idx[d]! * a.strides[d]!;
    out.push(a.data[o]!);
    for (let d = a.ndim - 1; d >= 0; d--) {
      if (++idx[d]! < a.shape[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}

function expectMatches(got: Record<string, NDArray>, expected: Record<string, ExpectedTensor>, stripped = ''): void {
  expect(Object.keys(got)).toEqual(Object.keys(expected).map((k) => k.slice(stripped.length)));
  for (const [key, e] of Object.entries(expected)) {
    const a = got[key.slice(stripped.length)]!;
    expect(a.shape, key).toEqual(e.shape);
    expect(a.dtype, key).toBe(LOADS_AS[e.dtype]);
    expect(a.strides, key).toEqual(e.stride);
    expect(a.offset, key).toBe(e.storage_offset);
    // float32 tensors hold float32 values; Python printed them as doubles, which are exact.
    expect(stridedValues(a), key).toEqual(e.values);
  }
}

describe('loadTorchCheckpoint on torch 1.13 fixtures', () => {
  for (const name of ['basic_zip.pth', 'basic_legacy.pth']) {
    it(`reads ${name}: float32/64, int64/32, uint8, half, bool, a 0-d int64, a transposed view, a shared storage`, () => {
      const got = loadTorchCheckpoint(fixture(name));
      expectMatches(got, EXPECTED.files[name]!);
      expect(got['transposed']!.isContiguous).toBe(false);
      expect(got['shared_a']!.storage).toBe(got['shared_b']!.storage);
    });
  }

  it('reads from bytes as well as from a path', () => {
    expectMatches(loadTorchCheckpoint(fixtureBytes('basic_zip.pth'), { name: 'basic_zip.pth' }), EXPECTED.files['basic_zip.pth']!);
  });

  it('reads a hand-built legacy file whose tensor is a strided view with an offset, stored on cuda:0', () => {
    expect(Buffer.from(fixtureBytes('hand_legacy.pth')).includes('cuda:0')).toBe(true);
    expectMatches(loadTorchCheckpoint(fixture('hand_legacy.pth')), EXPECTED.files['hand_legacy.pth']!);
  });

  it('keeps the module. prefix unless asked to strip it', () => {
    const expected = EXPECTED.files['prefixed_legacy.pth']!;
    expectMatches(loadTorchCheckpoint(fixture('prefixed_legacy.pth')), expected);
    expectMatches(loadTorchCheckpoint(fixture('prefixed_legacy.pth'), { stripPrefix: 'module.' }), expected, 'module.');
  });

  for (const name of ['module_zip.pth', 'module_legacy.pth']) {
    it(`walks a whole pickled module (${name}) to its state_dict names, leaving non-persistent buffers out`, () => {
      // The Sequential holds __main__.TinyAdder, a class of "our own": refused until listed.
      expect(() => loadTorchCheckpoint(fixture(name))).toThrow(/forbidden global __main__\.TinyAdder/);
      const got = loadTorchCheckpoint(fixture(name), { inertClasses: ['__main__.TinyAdder'] });
      expectMatches(got, EXPECTED.files[name]!);
      expect(Object.keys(got)).not.toContain('3.scratch');
    });
  }

  it('reports the torch storage type of every tensor (int64 tensors come from LongStorage)', () => {
    const storageOf: Record<string, string> = { float32: 'Float', float64: 'Double', float16: 'Half', int64: 'Long', int32: 'Int', uint8: 'Byte', bool: 'Bool' };
    const { storageTypes } = readTorchCheckpoint(fixture('basic_legacy.pth'));
    const expected = EXPECTED.files['basic_legacy.pth']!;
    expect(storageTypes).toEqual(Object.fromEntries(Object.entries(expected).map(([k, e]) => [k, storageOf[e.dtype]])));
  });
});
