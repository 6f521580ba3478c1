// loadNamedDataset: each name gives the right dataset and a transform producing N x C x 32 x 32 batches.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataLoader, loadNamedDataset } from '../src/index';
import { writeCifar10Folder } from './cifar-fixtures';

const tmp = mkdtempSync(join(tmpdir(), 'adder-named-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('loadNamedDataset', () => {
  it('sample: 5,000 Fashion-MNIST images, batches padded to 1 x 32 x 32 and normalised', async () => {
    const { dataset, transform } = await loadNamedDataset('sample', 'train');
    expect(dataset.length).toBe(5000);
    const b = new DataLoader(dataset, { batchSize: 4, transform }).loadBatch(0, 0);
    expect(b.images.shape).toEqual([4, 1, 32, 32]);
    // A padded corner of the test preset is exactly -mean/std; randomCrop may shift it, so use the test split.
    const test = await loadNamedDataset('sample', 'test');
    const t = new DataLoader(test.dataset, { batchSize: 2, transform: test.transform }).loadBatch(0, 0);
    expect(t.images.data[0]).toBeCloseTo(-0.286 / 0.353, 5);
  });

  it('cifar10 from a folder, and synthetic with distinct train and test seeds', async () => {
    writeCifar10Folder(tmp, 2, 2);
    const c = await loadNamedDataset('cifar10', 'train', { root: tmp, allowPartial: true });
    expect(c.dataset.length).toBe(10);
    expect(new DataLoader(c.dataset, { batchSize: 3, transform: c.transform }).loadBatch(0, 0).images.shape).toEqual([3, 3, 32, 32]);
    const s = await loadNamedDataset('synthetic', 'train', { length: 20 });
    const st = await loadNamedDataset('synthetic', 'test', { length: 20 });
    expect(s.dataset.classNames.length).toBe(4);
    expect(Array.from(s.dataset.pixels.subarray(0, 100))).not.toEqual(Array.from(st.dataset.pixels.subarray(0, 100)));
  });
});
