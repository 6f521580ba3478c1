// CIFAR-10/100 readers on tiny files in the exact binary format, from a folder and from a .tar.gz.
import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { c as createTar } from 'tar';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCifar10, loadCifar100, type ImageDataset } from '../src/index';
import { fixtureCoarse, fixtureLabel, fixturePixel, writeCifar100Folder, writeCifar10Folder } from './cifar-fixtures';

const tmp = mkdtempSync(join(tmpdir(), 'adder-cifar-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function expectFixture(ds: ImageDataset, count: number, label: (r: number) => number): void {
  expect(ds.length).toBe(count);
  expect([ds.channels, ds.height, ds.width]).toEqual([3, 32, 32]);
  for (let r = 0; r < count; r++) {
    const { image, label: l } = ds.get(r);
    expect(l).toBe(label(r));
    // CHW: channel plane c, then row y, then column x.
    for (const [c, y, x] of [[0, 0, 0], [0, 0, 31], [1, 5, 7], [2, 31, 31], [2, 17, 3]] as const) {
      expect(image[c * 1024 + y * 32 + x]).toBe(fixturePixel(r, c, y, x));
    }
    let mismatches = 0;
    for (let c = 0; c < 3; c++) for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) if (image[c * 1024 + y * 32 + x] !== fixturePixel(r, c, y, x)) mismatches++;
    expect(mismatches).toBe(0);
  }
}

describe('CIFAR-10 binary', () => {
  const folderRoot = join(tmp, 'c10-folder');
  writeCifar10Folder(folderRoot, 3, 4);
  const names = Array.from({ length: 10 }, (_, k) => `class${k}`);

  it('reads the five training batches in order from the extracted folder', async () => {
    const ds = await loadCifar10({ root: folderRoot, split: 'train', allowPartial: true });
    expectFixture(ds, 15, (r) => fixtureLabel(r, 10));
    expect(ds.classNames).toEqual(names);
  });

  it('reads the test batch, also when root is the batches folder itself', async () => {
    const ds = await loadCifar10({ root: join(folderRoot, 'cifar-10-batches-bin'), split: 'test', allowPartial: true });
    expectFixture(ds, 4, (r) => fixtureLabel(r, 10));
  });

  it('reads straight from the .tar.gz, with the same result as the folder', async () => {
    const root = join(tmp, 'c10-tgz');
    writeCifar10Folder(root, 3, 4);
    await createTar({ gzip: true, file: join(tmp, 'c10.tar.gz'), cwd: root }, ['cifar-10-batches-bin']);
    rmSync(join(root, 'cifar-10-batches-bin'), { recursive: true });
    renameSync(join(tmp, 'c10.tar.gz'), join(root, 'cifar-10-binary.tar.gz'));
    const train = await loadCifar10({ root, split: 'train', allowPartial: true });
    expectFixture(train, 15, (r) => fixtureLabel(r, 10));
    expect(train.classNames).toEqual(names);
    const test = await loadCifar10({ root, split: 'test', allowPartial: true });
    expectFixture(test, 4, (r) => fixtureLabel(r, 10));
  });
});

describe('CIFAR-100 binary', () => {
  const root = join(tmp, 'c100');
  writeCifar100Folder(root, 6, 3);

  it('reads fine labels (second byte) and fine class names by default', async () => {
    const ds = await loadCifar100({ root, split: 'train', allowPartial: true });
    expectFixture(ds, 6, (r) => fixtureLabel(r, 100));
    expect(ds.classNames.length).toBe(100);
    expect(ds.classNames[42]).toBe('fine42');
  });

  it('reads coarse labels (first byte) when asked', async () => {
    const ds = await loadCifar100({ root, split: 'test', labelKind: 'coarse', allowPartial: true });
    expectFixture(ds, 3, (r) => fixtureCoarse(r));
    expect(ds.classNames).toEqual(Array.from({ length: 20 }, (_, k) => `coarse${k}`));
  });

  it('reads from cifar-100-binary.tar.gz', async () => {
    const tgzRoot = join(tmp, 'c100-tgz');
    writeCifar100Folder(tgzRoot, 6, 3);
    await createTar({ gzip: true, file: join(tmp, 'c100.tar.gz'), cwd: tgzRoot }, ['cifar-100-binary']);
    rmSync(join(tgzRoot, 'cifar-100-binary'), { recursive: true });
    renameSync(join(tmp, 'c100.tar.gz'), join(tgzRoot, 'cifar-100-binary.tar.gz'));
    const ds = await loadCifar100({ root: tgzRoot, split: 'train', allowPartial: true });
    expectFixture(ds, 6, (r) => fixtureLabel(r, 100));
  });
});
