// The data readers under resource limits and load-time validation (issue 19): each hostile file of hostile-files.ts,
// written to a temp folder, is refused with the named error class and a one-line message naming the file, where in
// it, and the limit. The IDX gzip bomb runs in a fresh process whose peak RSS growth is measured.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError, DEFAULT_DATA_LIMITS, ResourceLimitError, loadCifar10, loadCifar100, loadIdxPair } from '../src/index';
import { cifarRecords, writeCifar100Folder, writeCifar10Folder } from './cifar-fixtures';
import { idxGzipBomb, idxPair, tarGzBomb } from './hostile-files';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const tmp = mkdtempSync(join(tmpdir(), 'adder-hostile-data-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The acceptance bound of issue 19: a bomb is refused in under 300 MB. */
const MAX_GROWTH_MB = 300;

async function refusal(f: () => unknown): Promise<Error> {
  try {
    await f();
  } catch (e) {
    expect((e as Error).message).not.toContain('\n');
    return e as Error;
  }
  throw new Error('expected a refusal, got none');
}

interface Case {
  name: string;
  run: (dir: string) => Promise<unknown> | unknown;
  error: typeof ResourceLimitError | typeof DataError;
  /** Fragments the message must hold; '$dir' stands for the case's folder. */
  fragments: string[];
}

const CASES: Case[] = [
  {
    name: 'IDX gzip bomb: 3 MB inflating to 3 GiB behind a 25 KB header',
    run: (dir) => {
      idxGzipBomb(join(dir, 'images.gz'));
      idxPair(join(dir, 'i'), join(dir, 'labels'), 32);
      return loadIdxPair(join(dir, 'images.gz'), join(dir, 'labels'));
    },
    error: ResourceLimitError,
    fragments: ['$dir/images.gz: gzip stream: inflates to more than 25104 bytes', 'the size its IDX header implies = 25104'],
  },
  {
    name: 'IDX .gz whose header implies more than maxDecompressedBytes',
    run: (dir) => {
      idxPair(join(dir, 'i'), join(dir, 'labels'), 32);
      writeFileSync(join(dir, 'images.gz'), new Uint8Array(gzipSync(new Uint8Array(readFileSync(join(dir, 'i'))))));
      return loadIdxPair(join(dir, 'images.gz'), join(dir, 'labels'), { limits: { maxDecompressedBytes: 10_000 } });
    },
    error: ResourceLimitError,
    fragments: ['$dir/images.gz: IDX header: the dims imply 25104 bytes', 'maxDecompressedBytes = 10000'],
  },
  {
    name: 'IDX label 10 of 10 classes',
    run: (dir) => {
      idxPair(join(dir, 'images'), join(dir, 'labels'), 32, 7, 10);
      return loadIdxPair(join(dir, 'images'), join(dir, 'labels'));
    },
    error: DataError,
    fragments: ['$dir/labels: expected labels below 10, found 10 at index 7'],
  },
  {
    name: 'IDX label 255',
    run: (dir) => {
      idxPair(join(dir, 'images'), join(dir, 'labels'), 32, 31, 255);
      return loadIdxPair(join(dir, 'images'), join(dir, 'labels'));
    },
    error: DataError,
    fragments: ['$dir/labels: expected labels below 10, found 255 at index 31'],
  },
  {
    name: 'IDX split of 0 images',
    run: (dir) => {
      idxPair(join(dir, 'images'), join(dir, 'labels'), 0);
      return loadIdxPair(join(dir, 'images'), join(dir, 'labels'));
    },
    error: DataError,
    fragments: ['$dir/images: expected at least one image, found an empty split (0 images)'],
  },
  {
    name: 'CIFAR-10 test_batch.bin cut at a record boundary',
    run: (dir) => {
      writeCifar10Folder(dir, 2, 3);
      return loadCifar10({ root: dir, split: 'test' });
    },
    error: DataError,
    fragments: ['$dir/cifar-10-batches-bin/test_batch.bin: expected the official 10000 records, found 3', 'allowPartial', '--allow-partial-cifar'],
  },
  {
    name: 'CIFAR-100 test.bin cut at a record boundary',
    run: (dir) => {
      writeCifar100Folder(dir, 2, 9_999);
      return loadCifar100({ root: dir, split: 'test' });
    },
    error: DataError,
    fragments: ['$dir/cifar-100-binary/test.bin: expected the official 10000 records, found 9999'],
  },
  {
    name: 'CIFAR-10 label 12 in record 3',
    run: (dir) => {
      const folder = writeCifar10Folder(dir, 2, 5);
      const records = cifarRecords(0, 5, 1, 10);
      records[3 * 3073] = 12;
      writeFileSync(join(folder, 'test_batch.bin'), records);
      return loadCifar10({ root: dir, split: 'test', allowPartial: true });
    },
    error: DataError,
    fragments: ['$dir/cifar-10-batches-bin/test_batch.bin: expected labels below 10, found 12 in record 3'],
  },
  {
    name: 'CIFAR .tar.gz inflating past the size its trailer states',
    run: (dir) => {
      tarGzBomb(join(dir, 'cifar-10-binary.tar.gz'), 20_000, 64);
      return loadCifar10({ root: dir, split: 'test' });
    },
    error: ResourceLimitError,
    fragments: ['$dir/cifar-10-binary.tar.gz: gzip stream: inflates to more than 20000 bytes', 'the size its gzip trailer states = 20000'],
  },
  {
    name: 'CIFAR .tar.gz whose trailer states more than maxDecompressedBytes',
    run: (dir) => {
      tarGzBomb(join(dir, 'cifar-10-binary.tar.gz'), DEFAULT_DATA_LIMITS.maxDecompressedBytes + 1, 2);
      return loadCifar10({ root: dir, split: 'test' });
    },
    error: ResourceLimitError,
    fragments: [`$dir/cifar-10-binary.tar.gz: gzip trailer: the stream states ${DEFAULT_DATA_LIMITS.maxDecompressedBytes + 1} bytes`, `maxDecompressedBytes = ${DEFAULT_DATA_LIMITS.maxDecompressedBytes}`],
  },
];

describe('data readers: hostile files', () => {
  CASES.forEach((c, k) => {
    it(`${c.name}: ${c.error.name}`, async () => {
      const dir = join(tmp, `case${k}`);
      mkdirSync(dir, { recursive: true });
      const e = await refusal(() => c.run(dir));
      expect(e).toBeInstanceOf(c.error);
      for (const f of c.fragments) expect(e.message).toContain(f.replace('$dir', dir));
    }, 60_000);
  });

  it('the IDX gzip bomb is refused in a fresh process with a peak RSS growth under 300 MB', () => {
    const dir = join(tmp, 'bomb-child');
    mkdirSync(dir, { recursive: true });
    idxGzipBomb(join(dir, 'images.gz'));
    idxPair(join(dir, 'i'), join(dir, 'labels'), 32);
    const tsx = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
    const r = spawnSync(tsx, [join(REPO_ROOT, 'packages/data/test/hostile-child.ts'), join(dir, 'images.gz'), join(dir, 'labels')], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { error: string | null; message: string; peakGrowthMb: number };
    expect(out.error).toBe('ResourceLimitError');
    expect(out.peakGrowthMb).toBeLessThan(MAX_GROWTH_MB);
  }, 60_000);

  it('a partial CIFAR file loads when allowPartial is given', async () => {
    const dir = join(tmp, 'partial-ok');
    writeCifar10Folder(dir, 2, 3);
    expect((await loadCifar10({ root: dir, split: 'test', allowPartial: true })).length).toBe(3);
  });
});
