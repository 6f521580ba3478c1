// The torch.save writer against independent readers: our .pth reader (the zip and pickle VM of src/torch-checkpoint and
// src/pickle, code the writer does not share), a test-side zip walk for the 64-byte alignment, and CPython's own
// pickle module for the values the pickle writer encodes. PyTorch itself reads the files in apps/train/test/convert-pth.test.ts.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NDArray } from '@adder/tensor';
import { readTorchCheckpoint } from '../src/torch-checkpoint';
import { drawnArray } from './drawn-values';
import {
  PickleFloat, PickleOrderedDict, PickleTuple, TorchSaveError, ZIP_DATA_ALIGNMENT, encodeTorchCheckpoint, saveTorchCheckpoint,
  writePickle, type PickleWriteValue,
} from '../src/torch-save';

/** Name, data offset and size of every local entry, walking the local headers from offset 0 (as a streaming reader does). */
function localEntries(zip: Uint8Array): Array<{ name: string; dataStart: number; size: number }> {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const out: Array<{ name: string; dataStart: number; size: number }> = [];
  let p = 0;
  while (view.getUint32(p, true) === 0x04034b50) {
    const size = view.getUint32(p + 18, true);
    const nameLen = view.getUint16(p + 26, true);
    const extraLen = view.getUint16(p + 28, true);
    const name = Buffer.from(zip.subarray(p + 30, p + 30 + nameLen)).toString('utf8');
    const dataStart = p + 30 + nameLen + extraLen;
    out.push({ name, dataStart, size });
    p = dataStart + size;
  }
  return out;
}

const DTYPES = ['float32', 'float64', 'int32', 'uint8'] as const;

describe('encodeTorchCheckpoint', () => {
  it('round-trips every dtype, 0-d, empty and permuted tensors through our .pth reader, int64 keys as LongStorage (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            dtype: fc.constantFrom(...DTYPES),
            shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 }),
            permute: fc.boolean(),
            long: fc.boolean(),
            seed: fc.integer({ min: 0, max: 1000 }),
          }),
          { minLength: 1, maxLength: 6 }, // the reader refuses a checkpoint without tensors
        ),
        fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/),
        (specs, archiveName) => {
          const tensors: Record<string, NDArray> = {};
          const int64: string[] = [];
          specs.forEach((s, i) => {
            let a = drawnArray(s.dtype, s.shape, s.seed);
            if (s.permute && s.shape.length >= 2) a = a.transpose(0, s.shape.length - 1); // a non-contiguous view
            const name = `layer${i}.${s.dtype}`;
            tensors[name] = a;
            if (s.long && s.dtype === 'int32') int64.push(name);
          });
          const bytes = encodeTorchCheckpoint(tensors, { int64Keys: int64, archiveName });
          const back = readTorchCheckpoint(bytes);
          expect(Object.keys(back.tensors)).toEqual(Object.keys(tensors));
          for (const [k, t] of Object.entries(tensors)) {
            const b = back.tensors[k]!;
            expect(b.dtype, k).toBe(t.dtype);
            expect(b.shape, k).toEqual(t.shape);
            expect(Array.from(b.contiguous().data), k).toEqual(Array.from(t.contiguous().data));
            expect(back.storageTypes[k], k).toBe(int64.includes(k) ? 'Long' : { float32: 'Float', float64: 'Double', int32: 'Int', uint8: 'Byte' }[t.dtype]);
          }
          // torch's layout: data.pkl first, the storages in order, version last, each record's data 64-byte aligned
          const entries = localEntries(bytes);
          expect(entries.map((e) => e.name)).toEqual([`${archiveName}/data.pkl`, ...Object.keys(tensors).map((_, i) => `${archiveName}/data/${i}`), `${archiveName}/version`]);
          for (const e of entries) expect(e.dataStart % ZIP_DATA_ALIGNMENT, e.name).toBe(0);
          expect(Buffer.from(bytes.subarray(entries.at(-1)!.dataStart, entries.at(-1)!.dataStart + entries.at(-1)!.size)).toString()).toBe('3\n');
        },
      ),
      { numRuns: 40 },
    );
  });

  it('refuses an int64 request for a non-int32 tensor and an archive name with a slash, naming the file', () => {
    const f = NDArray.fromTyped(new Float32Array([1]), [1]);
    expect(() => encodeTorchCheckpoint({ 'bn.num_batches_tracked': f }, {}, 'x.pth')).toThrow(
      /^saveTorchCheckpoint x\.pth: tensor 'bn\.num_batches_tracked' was requested as int64 but has dtype float32 \(expected int32\)$/,
    );
    expect(() => encodeTorchCheckpoint({ f }, { archiveName: 'a/b' }, 'x.pth')).toThrow(TorchSaveError);
  });

  it('saveTorchCheckpoint names the archive after the file and replaces nothing but the target', () => {
    const dir = mkdtempSync(join(tmpdir(), 'torch-save-'));
    try {
      const path = join(dir, 'model-1.pth');
      saveTorchCheckpoint(path, { w: NDArray.fromTyped(new Float32Array([1, 2]), [2]) });
      const entries = localEntries(new Uint8Array(readFileSync(path)));
      expect(entries[0]!.name).toBe('model-1/data.pkl');
      expect(() => saveTorchCheckpoint(join(dir, 'missing', 'x.pth'), {})).toThrow(/^saveTorchCheckpoint .*x\.pth: could not write: /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// CPython's pickle module is the reference unpickler: it must read what writePickle wrote to the same value.
const PYTHON = '/usr/bin/python3';
const hasPython = existsSync(PYTHON);
const PY_READ = `
import collections, json, pickle, sys
class Only(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) == ("collections", "OrderedDict"):
            return collections.OrderedDict
        raise pickle.UnpicklingError(f"refused {module}.{name}")
def plain(v):
    if isinstance(v, collections.OrderedDict):
        return {"OrderedDict": [[k, plain(x)] for k, x in v.items()]}
    if isinstance(v, tuple):
        return {"tuple": [plain(x) for x in v]}
    if isinstance(v, float):
        return {"float": repr(v)}
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    return {"int": str(v)}
print(json.dumps(plain(Only(open(sys.argv[1], "rb")).load())))
`;

/** What PY_READ prints for a written value: the same tree with ints as decimal strings and floats by repr. */
function expectedPlain(v: PickleWriteValue): unknown {
  if (v instanceof PickleOrderedDict) return { OrderedDict: v.entries.map(([k, x]) => [k, expectedPlain(x)]) };
  if (v instanceof PickleTuple) return { tuple: v.items.map(expectedPlain) };
  if (v instanceof PickleFloat) return { float: null };
  if (typeof v === 'number') return { int: String(v) };
  return v;
}

describe.skipIf(!hasPython)('writePickle, read by CPython', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pickle-write-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the same OrderedDict, str, int (BININT1, BININT, LONG1), float, bool, None and tuple values (property)', () => {
    const leaf = fc.oneof(
      fc.string({ maxLength: 8 }),
      fc.constantFrom(0, 255, 256, -1, 2147483647, -2147483648, 2147483648, -2147483649, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER),
      fc.maxSafeInteger(),
      fc.boolean(),
      fc.constant(null),
      fc.double({ noNaN: true }).map((x) => new PickleFloat(x)),
    );
    const value = fc.letrec<{ v: PickleWriteValue }>((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        leaf,
        fc.array(tie('v'), { maxLength: 5 }).map((items) => new PickleTuple(items)),
        fc.uniqueArray(fc.tuple(fc.string({ maxLength: 6 }), tie('v')), { selector: (e) => e[0], maxLength: 4 }).map((e) => new PickleOrderedDict(e)),
      ),
    })).v;
    let run = 0;
    fc.assert(
      fc.property(value, (v) => {
        const file = join(dir, `v${run++}.pkl`);
        writeFileSync(file, writePickle(v));
        const r = spawnSync(PYTHON, ['-c', PY_READ, file], { encoding: 'utf8' });
        expect(r.stderr).toBe('');
        const got = JSON.parse(r.stdout) as unknown;
        // floats: compare the value CPython read with ours (repr is shortest-round-trip, as JS's String)
        const floats: number[] = [];
        const collect = (x: PickleWriteValue): void => {
          if (x instanceof PickleFloat) floats.push(x.value);
          else if (x instanceof PickleTuple) x.items.forEach(collect);
          else if (x instanceof PickleOrderedDict) x.entries.forEach(([, y]) => collect(y));
        };
        collect(v);
        const gotFloats: number[] = [];
        const strip = (x: unknown): unknown => {
          if (x !== null && typeof x === 'object' && 'float' in x) {
            gotFloats.push(Number((x as { float: string }).float.replace('inf', 'Infinity')));
            return { float: null };
          }
          if (Array.isArray(x)) return x.map(strip);
          if (x !== null && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, y]) => [k, strip(y)]));
          return x;
        };
        expect(strip(got)).toEqual(expectedPlain(v));
        expect(gotFloats).toEqual(floats.map((f) => (Object.is(f, -0) ? -0 : f)));
      }),
      { numRuns: 25 },
    );
  });

  it('refuses a non-integer number for a Python int and a repeated OrderedDict key, naming what it found', () => {
    expect(() => writePickle(1.5, 'x.pth')).toThrow(/^saveTorchCheckpoint x\.pth: pickle writer: expected a safe integer for a Python int, found 1\.5/);
    expect(() => writePickle(new PickleOrderedDict([['a', 1], ['a', 2]]), 'x.pth')).toThrow(/^saveTorchCheckpoint x\.pth: pickle writer: expected distinct OrderedDict keys, found 'a' twice$/);
  });
});
