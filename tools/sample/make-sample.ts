// Builds packages/data/sample/: the first 500 training and first 100 test images of each Fashion-MNIST class, in file order.
// Run: npx tsx tools/sample/make-sample.ts [/usr/share/datasets/fashion-mnist]  (Debian package dataset-fashion-mnist)
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { DEBIAN_FASHION_MNIST_DIR, idxFileNames, loadFashionMnist, type Split } from '../../packages/data/src/idx';
import { encodeIdx } from '../../packages/data/src/idxWrite';

const PER_CLASS: Record<Split, number> = { train: 500, test: 100 };
const root = process.argv[2] ?? DEBIAN_FASHION_MNIST_DIR;
const outDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../packages/data/sample');
mkdirSync(outDir, { recursive: true });

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
/** A Uint8Array view of a node Buffer (node 20's Buffer type is not a Uint8Array to TypeScript 5.9). */
const bytes = (b: Buffer): Uint8Array => new Uint8Array(b.buffer as ArrayBuffer, b.byteOffset, b.byteLength);

for (const split of ['train', 'test'] as const) {
  const names = idxFileNames(split);
  console.log(`${split}: source ${root}/${names.images}.gz sha256 ${sha256(bytes(readFileSync(`${root}/${names.images}.gz`)))}`);
  console.log(`${split}: source ${root}/${names.labels}.gz sha256 ${sha256(bytes(readFileSync(`${root}/${names.labels}.gz`)))}`);
  const full = loadFashionMnist(split, root);
  const taken = new Int32Array(full.classNames.length);
  const picked: number[] = [];
  for (let i = 0; i < full.length; i++) {
    const label = full.labels[i]!;
    if (taken[label]! < PER_CLASS[split]) {
      taken[label]!++;
      picked.push(i);
    }
  }
  const sub = full.subset(picked).materialize();
  const n = sub.length;
  // gzip level 9 with Node's fixed header (mtime 0), so rerunning gives the same bytes.
  const images = bytes(gzipSync(encodeIdx([n, 28, 28], sub.pixels), { level: 9 }));
  const labels = bytes(gzipSync(encodeIdx([n], Uint8Array.from(sub.labels)), { level: 9 }));
  writeFileSync(`${outDir}/${names.images}.gz`, images);
  writeFileSync(`${outDir}/${names.labels}.gz`, labels);
  console.log(`${split}: ${n} images (${PER_CLASS[split]} per class), last source index ${picked[picked.length - 1]}, ${images.length + labels.length} bytes gzip'ed`);
  // Golden checksums for the tests: pixel sums of a few images and of the whole split, and the pixel SHA-256.
  const imageSum = (k: number): number => {
    let s = 0;
    for (let p = k * 784; p < (k + 1) * 784; p++) s += sub.pixels[p]!;
    return s;
  };
  let total = 0;
  for (let p = 0; p < sub.pixels.length; p++) total += sub.pixels[p]!;
  console.log(`${split}: pixel sums of images 0, 1, ${n - 1}: ${imageSum(0)}, ${imageSum(1)}, ${imageSum(n - 1)}; total ${total}`);
  console.log(`${split}: labels of images 0..9: ${Array.from(sub.labels.subarray(0, 10)).join(',')}`);
  console.log(`${split}: pixel sha256 ${sha256(sub.pixels)}`);
}
