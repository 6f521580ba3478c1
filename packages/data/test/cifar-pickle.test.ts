// torchvision's cifar-10-batches-py, written here opcode for opcode as Python 2 pickled it, read through the safe pickle reader.
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { c as createTar } from 'tar';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError, loadCifar10, parsePickledBatch, type ImageDataset } from '../src/index';
import { cifarRecords, fixtureLabel, fixturePixel } from './cifar-fixtures';
import { pickledBatch, pickledMeta } from './py2-pickle';

const tmp = mkdtempSync(join(tmpdir(), 'adder-cifar-py-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const NAMES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

/** Pixels and labels of records [first, first + count) of the fixture, without the binary format's label bytes. */
function split(first: number, count: number): { pixels: Uint8Array; labels: number[] } {
  const bin = cifarRecords(first, count, 1, 10);
  const pixels = new Uint8Array(count * 3072);
  for (let k = 0; k < count; k++) pixels.set(bin.subarray(k * 3073 + 1, (k + 1) * 3073), k * 3072);
  return { pixels, labels: Array.from({ length: count }, (_, k) => fixtureLabel(first + k, 10)) };
}

function writePyFolder(root: string, perBatch: number, testCount: number): void {
  const dir = join(root, 'cifar-10-batches-py');
  mkdirSync(dir, { recursive: true });
  for (let b = 1; b <= 5; b++) {
    const s = split((b - 1) * perBatch, perBatch);
    writeFileSync(join(dir, `data_batch_${b}`), pickledBatch(s.pixels, s.labels, `training batch ${b} of 5`));
  }
  const t = split(0, testCount);
  writeFileSync(join(dir, 'test_batch'), pickledBatch(t.pixels, t.labels, 'testing batch 1 of 1'));
  writeFileSync(join(dir, 'batches.meta'), pickledMeta(NAMES, perBatch));
}

function expectFixture(ds: ImageDataset, count: number): void {
  expect(ds.length).toBe(count);
  expect(ds.classNames).toEqual(NAMES);
  for (let r = 0; r < count; r++) {
    const { image, label } = ds.get(r);
    expect(label).toBe(fixtureLabel(r, 10));
    let bad = 0;
    for (let c = 0; c < 3; c++) for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) if (image[c * 1024 + y * 32 + x] !== fixturePixel(r, c, y, x)) bad++;
    expect(bad).toBe(0);
  }
}

describe('CIFAR-10 python (pickled) version', () => {
  it('reads the cifar-10-batches-py folder', async () => {
    const root = join(tmp, 'folder');
    writePyFolder(root, 2, 3);
    expectFixture(await loadCifar10({ root, split: 'train', allowPartial: true }), 10);
    expectFixture(await loadCifar10({ root, split: 'test', allowPartial: true }), 3);
  });

  it('reads cifar-10-python.tar.gz in place', async () => {
    const root = join(tmp, 'tgz');
    writePyFolder(root, 2, 3);
    await createTar({ gzip: true, file: join(tmp, 'py.tar.gz'), cwd: root }, ['cifar-10-batches-py']);
    rmSync(join(root, 'cifar-10-batches-py'), { recursive: true });
    renameSync(join(tmp, 'py.tar.gz'), join(root, 'cifar-10-python.tar.gz'));
    expectFixture(await loadCifar10({ root, split: 'train', allowPartial: true }), 10);
  });

  it('refuses a pickle that calls a global outside the allow-list, naming the file', () => {
    // {'data': os.system('true')}: GLOBAL os system, a str argument, TUPLE1, REDUCE.
    const evil = Uint8Array.from([0x80, 2, 0x7d, 0x28, 0x55, 4, ...Buffer.from('data'), 0x63, ...Buffer.from('os\nsystem\n'), 0x55, 4, ...Buffer.from('true'), 0x85, 0x52, 0x75, 0x2e]);
    expect(() => parsePickledBatch(evil, '/x/data_batch_1')).toThrow(DataError);
    expect(() => parsePickledBatch(evil, '/x/data_batch_1')).toThrow(/\/x\/data_batch_1.*os.*system/);
  });

  it('names the file when the label count disagrees with the images', () => {
    const s = split(0, 3);
    const bytes = pickledBatch(s.pixels, [1, 2], 'bad');
    expect(() => parsePickledBatch(bytes, '/y/test_batch')).toThrow("/y/test_batch: expected a list of 3 labels under 'labels', found 2 labels");
  });
});
