// Every bad file gives a DataError naming the file, what was expected and what was found; each is built here in a temp folder.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { c as createTar } from 'tar';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError, encodeIdx, loadCifar10, loadCifar100, loadFashionMnist, loadIdxPair } from '../src/index';
import { cifarRecords, writeCifar100Folder, writeCifar10Folder } from './cifar-fixtures';

const tmp = mkdtempSync(join(tmpdir(), 'adder-bad-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A Uint8Array view of a node Buffer. */
function bytes(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer as ArrayBuffer, b.byteOffset, b.byteLength);
}

async function errorOf(f: () => unknown): Promise<DataError> {
  try {
    await f();
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return e as DataError;
  }
  throw new Error('expected a DataError, got none');
}

describe('bad input', () => {
  it('a truncated CIFAR-10 batch names the file, the 3,073-byte record and the size found', async () => {
    const root = join(tmp, 'trunc10');
    const dir = writeCifar10Folder(root, 2, 2);
    const file = join(dir, 'data_batch_3.bin');
    writeFileSync(file, cifarRecords(0, 2, 1, 10).subarray(0, 2 * 3073 - 100));
    const e = await errorOf(() => loadCifar10({ root, split: 'train', allowPartial: true }));
    expect(e.message).toContain(file);
    expect(e.message).toContain('multiple of 3073');
    expect(e.message).toContain(`found ${2 * 3073 - 100} bytes`);
  });

  it('a truncated CIFAR-100 file names the 3,074-byte record', async () => {
    const root = join(tmp, 'trunc100');
    const dir = writeCifar100Folder(root, 2, 2);
    const file = join(dir, 'test.bin');
    writeFileSync(file, cifarRecords(0, 2, 2, 100).subarray(0, 3074 + 5));
    const e = await errorOf(() => loadCifar100({ root, split: 'test', allowPartial: true }));
    expect(e.message).toContain(file);
    expect(e.message).toContain('multiple of 3074');
    expect(e.message).toContain(`found ${3074 + 5} bytes`);
  });

  it('a truncated member inside a .tar.gz names the archive and the member', async () => {
    const root = join(tmp, 'trunc-tgz');
    const dir = writeCifar10Folder(root, 2, 2);
    writeFileSync(join(dir, 'test_batch.bin'), cifarRecords(0, 2, 1, 10).subarray(0, 3073 + 1));
    await createTar({ gzip: true, file: join(root, 'cifar-10-binary.tar.gz'), cwd: root }, ['cifar-10-batches-bin']);
    rmSync(dir, { recursive: true });
    const e = await errorOf(() => loadCifar10({ root, split: 'test', allowPartial: true }));
    expect(e.message).toContain(`${join(root, 'cifar-10-binary.tar.gz')}:cifar-10-batches-bin/test_batch.bin`);
    expect(e.message).toContain('found 3074 bytes');
  });

  it('a wrong IDX magic names the file, the expected and the found magic', async () => {
    const dir = join(tmp, 'magic');
    mkdirSync(dir);
    const images = encodeIdx([2, 28, 28], new Uint8Array(2 * 784));
    const labels = encodeIdx([2], new Uint8Array(2));
    writeFileSync(join(dir, 'train-images-idx3-ubyte'), images);
    writeFileSync(join(dir, 'train-labels-idx1-ubyte'), images); // an image file where labels belong
    const e = await errorOf(() => loadFashionMnist('train', dir));
    expect(e.message).toContain(join(dir, 'train-labels-idx1-ubyte'));
    expect(e.message).toContain('expected IDX magic 0x00000801, found 0x00000803');
    writeFileSync(join(dir, 'train-labels-idx1-ubyte'), labels);
    expect(loadFashionMnist('train', dir).length).toBe(2);
  });

  it('an IDX file shorter than its dims say names the byte counts', async () => {
    const file = join(tmp, 'short-images');
    writeFileSync(file, encodeIdx([3, 28, 28], new Uint8Array(3 * 784)).subarray(0, 16 + 2 * 784));
    const labels = join(tmp, 'short-labels');
    writeFileSync(labels, encodeIdx([3], new Uint8Array(3)));
    const e = await errorOf(() => loadIdxPair(file, labels));
    expect(e.message).toContain(file);
    expect(e.message).toContain(`expected ${16 + 3 * 784} bytes for dims [3, 28, 28], found ${16 + 2 * 784}`);
  });

  it('image and label counts that disagree name both counts', async () => {
    const images = join(tmp, 'count-images.gz');
    const labels = join(tmp, 'count-labels.gz');
    writeFileSync(images, bytes(gzipSync(encodeIdx([4, 28, 28], new Uint8Array(4 * 784)))));
    writeFileSync(labels, bytes(gzipSync(encodeIdx([5], new Uint8Array(5)))));
    const e = await errorOf(() => loadIdxPair(images, labels));
    expect(e.message).toContain(labels);
    expect(e.message).toContain('expected 4 labels');
    expect(e.message).toContain('found 5');
  });

  it('a gzip failing its CRC names the file (IDX .gz)', async () => {
    const images = join(tmp, 'crc-images.gz');
    const labels = join(tmp, 'crc-labels.gz');
    const gz = bytes(gzipSync(encodeIdx([2, 28, 28], new Uint8Array(2 * 784).fill(7))));
    gz[gz.length - 6]! ^= 0xff; // the CRC-32 is the trailer's first 4 of 8 bytes
    writeFileSync(images, gz);
    writeFileSync(labels, bytes(gzipSync(encodeIdx([2], new Uint8Array(2)))));
    const e = await errorOf(() => loadIdxPair(images, labels));
    expect(e.message).toContain(images);
    expect(e.message).toContain('expected a valid gzip stream');
    expect(e.message).toMatch(/incorrect data check|crc/i);
  });

  it('a gzip failing its CRC names the file (CIFAR .tar.gz)', async () => {
    const root = join(tmp, 'crc-tgz');
    const dir = writeCifar10Folder(root, 1, 1);
    const tgz = join(root, 'cifar-10-binary.tar.gz');
    await createTar({ gzip: true, file: tgz, cwd: root }, ['cifar-10-batches-bin']);
    rmSync(dir, { recursive: true });
    const tgzBytes = bytes(readFileSync(tgz));
    tgzBytes[tgzBytes.length - 7]! ^= 0x01;
    writeFileSync(tgz, tgzBytes);
    const e = await errorOf(() => loadCifar10({ root, split: 'test', allowPartial: true }));
    expect(e.message).toContain(tgz);
    expect(e.message).toContain('expected a valid gzip stream');
  });

  it('a missing folder names it and the alternatives (CIFAR)', async () => {
    const root = join(tmp, 'no-such-folder');
    const e = await errorOf(() => loadCifar10({ root, split: 'train', allowPartial: true }));
    expect(e.message).toContain(root);
    expect(e.message).toContain('found none');
    expect(e.message).toContain('cifar-10-binary.tar.gz');
    expect(e.message).toContain('loadSample');
    expect(e.message).toContain('Fashion-MNIST');
  });

  it('an incomplete CIFAR folder names the files it lacks', async () => {
    const root = join(tmp, 'incomplete');
    const dir = writeCifar10Folder(root, 1, 1);
    rmSync(join(dir, 'data_batch_4.bin'));
    const e = await errorOf(() => loadCifar10({ root, split: 'train', allowPartial: true }));
    expect(e.message).toContain(`found ${dir} without data_batch_4.bin`);
  });

  it('a missing folder names it (IDX)', async () => {
    const root = join(tmp, 'no-such-idx-folder');
    const e = await errorOf(() => loadFashionMnist('test', root));
    expect(e.message).toContain(root);
    expect(e.message).toContain('missing folder');
  });
});
