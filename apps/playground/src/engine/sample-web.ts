// The bundled Fashion-MNIST sample in the page: fetched with the app (Vite copies the files), gunzipped, parsed.
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, parseIdx } from '@adder/data';
import type { SampleArrays } from './session';

const files = {
  trainImages: new URL('../../../../packages/data/sample/train-images-idx3-ubyte.gz', import.meta.url),
  trainLabels: new URL('../../../../packages/data/sample/train-labels-idx1-ubyte.gz', import.meta.url),
  testImages: new URL('../../../../packages/data/sample/t10k-images-idx3-ubyte.gz', import.meta.url),
  testLabels: new URL('../../../../packages/data/sample/t10k-labels-idx1-ubyte.gz', import.meta.url),
};

async function gunzipped(url: URL): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`sample ${url.pathname}: expected HTTP 200, got ${res.status}`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes; // a server already removed the gzip layer
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Loads and parses the four sample files. */
export async function loadWebSample(): Promise<SampleArrays> {
  const [ti, tl, vi, vl] = await Promise.all([files.trainImages, files.trainLabels, files.testImages, files.testLabels].map(gunzipped));
  return {
    trainImages: parseIdx(ti!, 'train-images-idx3-ubyte', IDX_IMAGES_MAGIC),
    trainLabels: parseIdx(tl!, 'train-labels-idx1-ubyte', IDX_LABELS_MAGIC),
    testImages: parseIdx(vi!, 't10k-images-idx3-ubyte', IDX_IMAGES_MAGIC),
    testLabels: parseIdx(vl!, 't10k-labels-idx1-ubyte', IDX_LABELS_MAGIC),
  };
}
