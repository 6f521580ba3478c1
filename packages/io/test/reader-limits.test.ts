// The readers under resource limits (issue 19): each hostile file of hostile-files.ts, written to a temp folder, is
// refused with the named error class and a one-line message naming the file, the key and the limit, or read as
// torch.load reads it. The bombs run in a fresh process whose peak RSS growth is measured.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CheckpointError, DEFAULT_CHECKPOINT_LIMITS, ResourceLimitError, SafetensorsError, decodeSafetensors, readPickle, readTorchCheckpoint,
} from '../src/index';
import {
  bigLongPth, billionLaughsPth, legacyViewPth, longTextIntPth, memoHeavyPickle, nestedDictsPth, safetensorsWithHeader, selfReferencePth, strideZeroPth,
} from './hostile-files';
import { REPO_ROOT } from './pickle-fixtures';

const tmp = mkdtempSync(join(tmpdir(), 'adder-hostile-io-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The acceptance bound of issue 19: a bomb is refused in under 300 MB. */
const MAX_GROWTH_MB = 300;

interface Case {
  name: string;
  build: () => Uint8Array;
  /** null: it loads, with these tensor names. */
  error: typeof ResourceLimitError | typeof CheckpointError | null;
  /** Fragments the message must hold (besides the file name). */
  fragments?: (string | RegExp)[];
  tensors?: string[];
  /** Run in a fresh process and bound its peak RSS growth. */
  bomb?: boolean;
}

const D = DEFAULT_CHECKPOINT_LIMITS;
const CASES: Case[] = [
  { name: 'billion-laughs-30-levels-no-tensor-at-leaf.pth', build: () => billionLaughsPth(30, 10, false), error: null, tensors: ['w'], bomb: true },
  {
    name: 'billion-laughs-30-levels-tensor-at-leaf.pth', build: () => billionLaughsPth(30, 10, true), error: ResourceLimitError, bomb: true,
    fragments: ["tensor 'bomb.a.a.", `maxTensors = ${D.maxTensors}`],
  },
  { name: 'billion-laughs-20-levels.pth', build: () => billionLaughsPth(20, 2, false), error: null, tensors: ['w'] },
  { name: 'self-reference.pth', build: selfReferencePth, error: null, tensors: ['w'] },
  {
    name: 'nested-100000-dicts.pth', build: () => nestedDictsPth(100_000), error: ResourceLimitError, bomb: true,
    fragments: ["key 'deep.a.a.a", `maxDepth = ${D.maxDepth}`, 'nested more than 1000 deep'],
  },
  { name: 'nested-900-dicts.pth', build: () => nestedDictsPth(900), error: null, tensors: ['w'] },
  { name: 'long4-262kb.pth', build: () => bigLongPth(262_144), error: null, tensors: ['w'], bomb: true },
  {
    name: 'text-int-5000-digits.pth', build: () => longTextIntPth(5000), error: ResourceLimitError,
    fragments: [/pickle byte \d+/, `maxIntDigits = ${D.maxIntDigits}`, 'a text integer of 5000 digits'],
  },
  {
    name: 'stride0-2^26.pth', build: () => strideZeroPth(2 ** 26), error: ResourceLimitError, bomb: true,
    fragments: ["tensor 'expanded'", `maxViewExpansion = ${D.maxViewExpansion}`, '67108864 elements'],
  },
  {
    name: 'stride0-2^34.pth', build: () => strideZeroPth(2 ** 34), error: ResourceLimitError, bomb: true,
    fragments: ["tensor 'expanded'", `maxViewExpansion = ${D.maxViewExpansion}`, '17179869184 elements'],
  },
  { name: 'legacy-view.pth', build: () => legacyViewPth(1), error: null, tensors: ['v'] },
  {
    name: 'legacy-view-negative-offset.pth', build: () => legacyViewPth(-3), error: CheckpointError,
    fragments: ['storage 0', 'non-negative int offset', '-3'],
  },
];

interface ChildOutcome {
  file: string;
  error: string | null;
  message: string;
  tensors: number;
  peakGrowthMb: number;
}

/** Loads the files in one fresh process (hostile-child.ts), one after the other; returns each outcome and peak RSS growth. */
function loadInChild(files: string[]): Map<string, ChildOutcome> {
  const tsx = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
  const r = spawnSync(tsx, [join(REPO_ROOT, 'packages/io/test/hostile-child.ts'), ...files], { encoding: 'utf8', timeout: 100_000 });
  if (r.status !== 0) throw new Error(`hostile-child failed (status ${r.status}, signal ${r.signal}): ${r.stderr}`);
  return new Map((JSON.parse(r.stdout) as ChildOutcome[]).map((o) => [o.file, o]));
}

const fileOf = (c: Case): string => join(tmp, c.name);
let children: Map<string, ChildOutcome>;
beforeAll(() => {
  for (const c of CASES) writeFileSync(fileOf(c), c.build());
  children = loadInChild(CASES.filter((c) => c.bomb).map(fileOf));
}, 120_000);

describe('the .pth reader under resource limits', () => {
  for (const c of CASES) {
    it(`${c.name}: ${c.error ? `refused with ${c.error.name}` : `read (${c.tensors!.join(', ')})`}`, () => {
      const file = fileOf(c);
      let caught: unknown = null;
      let tensors: string[] = [];
      try {
        tensors = Object.keys(readTorchCheckpoint(file).tensors);
      } catch (e) {
        caught = e;
      }
      if (c.error === null) {
        expect(caught).toBeNull();
        expect(tensors).toEqual(c.tensors);
      } else {
        expect(caught).toBeInstanceOf(c.error);
        const message = (caught as Error).message;
        expect(message).not.toContain('\n');
        expect(message).toContain(file);
        for (const f of c.fragments ?? []) expect(message).toMatch(f);
      }
      if (c.bomb) {
        const child = children.get(file)!;
        expect(child.error).toBe(c.error ? c.error.name : null);
        expect(child.peakGrowthMb).toBeLessThan(MAX_GROWTH_MB);
      }
    }, 30_000);
  }

  it('a limit raised through the option accepts what the default refuses (the stride-0 view stays a view)', () => {
    const t = readTorchCheckpoint(strideZeroPth(2 ** 26), { name: 'x.pth', limits: { maxViewExpansion: 2 ** 26 } }).tensors;
    expect(t['expanded']!.shape).toEqual([2 ** 26]);
    expect(t['expanded']!.strides).toEqual([0]);
    const deep = readTorchCheckpoint(nestedDictsPth(1500), { name: 'deep.pth', limits: { maxDepth: 2000 } }).tensors;
    expect(Object.keys(deep)).toEqual(['w']);
    expect(() => readTorchCheckpoint(nestedDictsPth(1500), { name: 'deep.pth' })).toThrow(ResourceLimitError);
  });

  it('an unknown or non-positive limit is a TypeError naming it', () => {
    expect(() => readTorchCheckpoint(selfReferencePth(), { name: 'a.pth', limits: { maxDpeth: 3 } as never })).toThrow(/unknown limit 'maxDpeth'/);
    expect(() => readTorchCheckpoint(selfReferencePth(), { name: 'a.pth', limits: { maxDepth: 0 } })).toThrow(/maxDepth must be a positive integer, got 0/);
  });
});

describe('readPickle limits', () => {
  it('counts memo entries and created values, and names the source, byte offset and limit', () => {
    const bytes = memoHeavyPickle(2000);
    expect((readPickle(bytes) as unknown[]).length).toBe(2000);
    const memo = (() => { try { readPickle(bytes, { source: 'm.pkl', limits: { maxMemoEntries: 100 } }); } catch (e) { return e; } })();
    expect(memo).toBeInstanceOf(ResourceLimitError);
    expect((memo as Error).message).toMatch(/^m\.pkl: pickle byte \d+: more than 100 memo entries, over the limit maxMemoEntries = 100/);
    expect(() => readPickle(bytes, { source: 'o.pkl', limits: { maxObjects: 1000 } })).toThrow(/^o\.pkl: pickle byte \d+: more than 1000 values, over the limit maxObjects = 1000/);
  });

  it('decodes a 262 KB LONG4 exactly (2^(8n-1) - 1), as Python reads it', () => {
    const n = 262_144;
    const long = new Uint8Array(n).fill(0xff);
    long[n - 1] = 0x7f;
    const pkl = new Uint8Array(2 + 5 + n + 1);
    pkl.set([0x80, 2, 0x8b], 0);
    new DataView(pkl.buffer).setUint32(3, n, true);
    pkl.set(long, 7);
    pkl[7 + n] = 0x2e;
    expect(readPickle(pkl)).toBe((1n << BigInt(8 * n - 1)) - 1n);
  });
});

describe('safetensors: prototype keys and damaged headers', () => {
  const entry = (dtype: string): string => JSON.stringify({ w: { dtype, shape: [1], data_offsets: [0, 4] } });
  for (const dtype of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf']) {
    it(`dtype "${dtype}" is an unknown dtype`, () => {
      expect(() => decodeSafetensors(safetensorsWithHeader(entry(dtype), 4), 'p.safetensors')).toThrow(
        new SafetensorsError('p.safetensors', `tensor 'w' has unknown dtype "${dtype}" (supported: F32, F64, I64, I32, U8, BOOL, F16, BF16)`),
      );
    });
  }

  it('a tensor named __proto__ is kept, as a plain entry', () => {
    // written by hand: JSON.stringify of an object literal would turn a __proto__ key into the prototype
    const text = '{"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"U8","shape":[2],"data_offsets":[4,6]}}';
    const { tensors } = decodeSafetensors(safetensorsWithHeader(text, 6), 'p.safetensors');
    expect(Object.keys(tensors)).toEqual(['__proto__', 'b']);
    expect(Object.getPrototypeOf(tensors)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(tensors, '__proto__')).toBe(true);
  });

  const DAMAGED: [string, string, number, RegExp][] = [
    ['a name with a line break', '{"a\\nb":{"dtype":"X","shape":[1],"data_offsets":[0,4]}}', 4, /tensor 'a\\nb' has unknown dtype "X"/],
    ['a dtype that is an object', '{"w":{"dtype":{"toString":1},"shape":[1],"data_offsets":[0,4]}}', 4, /unknown dtype \{"toString":1\}/],
    ['a header that is an array', '[1,2]', 0, /header must be a JSON object, got an array/],
    ['metadata that is not strings', '{"__metadata__":{"k":1}}', 0, /__metadata__\['k'\] must be a string/],
    ['a huge shape', '{"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}}', 4, /needs \d+ bytes but data_offsets \[0, 4\] span 4/],
    ['a negative offset', '{"w":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}}', 4, /invalid data_offsets/],
    ['invalid JSON', '{"w":', 0, /header is not valid JSON/],
    ['a shape of strings', '{"w":{"dtype":"F32","shape":["1"],"data_offsets":[0,4]}}', 4, /invalid shape \["1"\]/],
  ];
  for (const [what, header, data, message] of DAMAGED) {
    it(`${what}: a one-line SafetensorsError`, () => {
      let caught: unknown = null;
      try {
        decodeSafetensors(safetensorsWithHeader(header, data), 'd.safetensors');
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(SafetensorsError);
      expect((caught as Error).message).not.toContain('\n');
      expect((caught as Error).message).toMatch(/^safetensors d\.safetensors: /);
      expect((caught as Error).message).toMatch(message);
    });
  }
});
