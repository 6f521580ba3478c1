// Test fixtures: tiny CIFAR-10/100 files in the exact binary record format, with a pixel rule to check order against.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The pixel a fixture stores at (record r of the whole split, channel c, row y, column x). */
export function fixturePixel(r: number, c: number, y: number, x: number): number {
  return (r * 37 + c * 71 + y * 5 + x * 3) & 255;
}

/** The label a fixture gives record r (fine label for CIFAR-100). */
export function fixtureLabel(r: number, numClasses: number): number {
  return (r * 7 + 3) % numClasses;
}

/** The coarse label a CIFAR-100 fixture gives record r. */
export function fixtureCoarse(r: number): number {
  return (r * 3 + 1) % 20;
}

/** Bytes of `count` records starting at split record `first`, each `labelBytes` label bytes then R, G, B planes. */
export function cifarRecords(first: number, count: number, labelBytes: 1 | 2, numClasses: number): Uint8Array {
  const rec = labelBytes + 3072;
  const out = new Uint8Array(count * rec);
  for (let k = 0; k < count; k++) {
    const r = first + k;
    const base = k * rec;
    if (labelBytes === 2) out[base] = fixtureCoarse(r);
    out[base + labelBytes - 1] = fixtureLabel(r, numClasses);
    for (let c = 0; c < 3; c++) for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) out[base + labelBytes + c * 1024 + y * 32 + x] = fixturePixel(r, c, y, x);
  }
  return out;
}

/** Made-up class names, one per line, as batches.meta.txt holds them (with a trailing blank line, like the real file). */
export function classNamesText(prefix: string, n: number): string {
  return `${Array.from({ length: n }, (_, k) => `${prefix}${k}`).join('\n')}\n\n`;
}

/** Writes root/cifar-10-batches-bin with `perBatch` records in each of the 5 training batches and `testCount` test records. */
export function writeCifar10Folder(root: string, perBatch: number, testCount: number): string {
  const dir = join(root, 'cifar-10-batches-bin');
  mkdirSync(dir, { recursive: true });
  for (let b = 1; b <= 5; b++) writeFileSync(join(dir, `data_batch_${b}.bin`), cifarRecords((b - 1) * perBatch, perBatch, 1, 10));
  writeFileSync(join(dir, 'test_batch.bin'), cifarRecords(0, testCount, 1, 10));
  writeFileSync(join(dir, 'batches.meta.txt'), classNamesText('class', 10));
  writeFileSync(join(dir, 'readme.html'), '<html></html>');
  return dir;
}

/** Writes root/cifar-100-binary with `trainCount` and `testCount` records. */
export function writeCifar100Folder(root: string, trainCount: number, testCount: number): string {
  const dir = join(root, 'cifar-100-binary');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'train.bin'), cifarRecords(0, trainCount, 2, 100));
  writeFileSync(join(dir, 'test.bin'), cifarRecords(0, testCount, 2, 100));
  writeFileSync(join(dir, 'fine_label_names.txt'), classNamesText('fine', 100));
  writeFileSync(join(dir, 'coarse_label_names.txt'), classNamesText('coarse', 20));
  return dir;
}
