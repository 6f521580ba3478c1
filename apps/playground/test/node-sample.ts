// The bundled Fashion-MNIST sample, parsed in Node as the page parses it (gunzip, then parseIdx).
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, SAMPLE_DIR, parseIdx } from '@adder/data';
import type { SampleArrays } from '../src/engine/session';

function read(name: string, magic: number) {
  return parseIdx(new Uint8Array(gunzipSync(new Uint8Array(readFileSync(`${SAMPLE_DIR}/${name}.gz`)))), name, magic);
}

export function nodeSample(): SampleArrays {
  return {
    trainImages: read('train-images-idx3-ubyte', IDX_IMAGES_MAGIC),
    trainLabels: read('train-labels-idx1-ubyte', IDX_LABELS_MAGIC),
    testImages: read('t10k-images-idx3-ubyte', IDX_IMAGES_MAGIC),
    testLabels: read('t10k-labels-idx1-ubyte', IDX_LABELS_MAGIC),
  };
}
