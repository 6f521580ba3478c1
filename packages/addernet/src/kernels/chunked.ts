// The adder kernels split into chunks for the worker pool: forward by output rows, input gradient by images,
// weight gradient by images into per-chunk partial sums added in chunk order. Chunks depend only on the shapes.
import { allocate, chunkCount, chunkRange, defineKernel, getKernel, runChunks, type KernelArgs, type TypedArray } from '@adder/tensor';
import type { AdderGeometry } from './geometry';
// the kernel files register the adder2d.* kernels on import (a worker imports only this module)
import './adderForward';
import type { AdderForwardRows } from './adderForward';
import './adderBackwardInput';
import type { AdderInputGradImages } from './adderBackwardInput';
import './adderBackwardWeight';
import type { AdderWeightProductImages } from './adderBackwardWeight';

/** Operations per chunk: a few ms of kernel time, enough chunks to balance 2-4 threads. */
const ADDER_GRAIN = 1_000_000;
/** The weight gradient uses at most this many chunks (each holds a Cout x K partial sum). */
const MAX_WEIGHT_CHUNKS = 16;

const GEO_KEYS = ['n', 'cin', 'h', 'w', 'cout', 'kh', 'kw', 'stride', 'padding', 'ho', 'wo', 'kSize', 'pSize'] as const;

function geoArgs(g: AdderGeometry): KernelArgs {
  const out: KernelArgs = {};
  for (const key of GEO_KEYS) out[key] = g[key];
  return out;
}

function geoOf(args: KernelArgs): AdderGeometry {
  const g = {} as Record<(typeof GEO_KEYS)[number], number>;
  for (const key of GEO_KEYS) g[key] = args[key] as number;
  return g;
}

/** Forward chunk: output rows [r0, r1) of all N * Ho rows. */
export function adderForwardChunk(args: KernelArgs, c: number): void {
  const g = geoOf(args);
  const [r0, r1] = chunkRange(g.n * g.ho, args.chunks as number, c);
  const forwardRows = getKernel<AdderForwardRows>('adder2d.forward');
  for (let r = r0; r < r1; ) {
    const n = Math.floor(r / g.ho);
    const oh0 = r - n * g.ho;
    const oh1 = Math.min(g.ho, oh0 + (r1 - r));
    forwardRows(args.wp as TypedArray, args.x as TypedArray, args.offs as Int32Array, args.y as TypedArray, n, g, oh0, oh1);
    r += oh1 - oh0;
  }
}
const forwardKernel = defineKernel(import.meta.url, 'adderForwardChunk', adderForwardChunk);

/** Runs the forward tiles of every image over the pool; each output element is computed by one chunk as serially. */
export function runAdderForward(wp: TypedArray, x: TypedArray, offs: Int32Array, y: TypedArray, g: AdderGeometry): void {
  const rows = g.n * g.ho;
  const perRow = g.wo * g.cout * g.kSize;
  const chunks = Math.min(256, chunkCount(rows, perRow, ADDER_GRAIN));
  runChunks(forwardKernel, chunks, { ...geoArgs(g), wp, x, offs, y, chunks }, rows * perRow);
}

/** Input-gradient chunk: images [n0, n1) by kernel adder2d.inputGrad. */
export function adderBackwardInputChunk(args: KernelArgs, c: number): void {
  const g = geoOf(args);
  const [n0, n1] = chunkRange(g.n, args.chunks as number, c);
  const inputGrad = getKernel<AdderInputGradImages>('adder2d.inputGrad');
  inputGrad(args.wt as TypedArray, args.x as TypedArray, args.offs as Int32Array, args.g as TypedArray, args.dx as TypedArray, g, n0, n1);
}
const backwardInputKernel = defineKernel(import.meta.url, 'adderBackwardInputChunk', adderBackwardInputChunk);

/** Runs the input gradient of every image over the pool (images are independent: same bits as serially). */
export function runAdderBackwardInput(wt: TypedArray, x: TypedArray, offs: Int32Array, grad: TypedArray, dx: TypedArray, g: AdderGeometry): void {
  const perImage = g.pSize * g.cout * g.kSize;
  const chunks = chunkCount(g.n, perImage, ADDER_GRAIN);
  runChunks(backwardInputKernel, chunks, { ...geoArgs(g), wt, x, offs, g: grad, dx, chunks }, g.n * perImage);
}

/** Weight-gradient chunk: partial[c] = sum over images [n0, n1) of G_n X_col,n^T (Cout x K) and of rowsum(G_n), by kernel adder2d.weightGrad. */
export function adderWeightPartialChunk(args: KernelArgs, c: number): void {
  const g = geoOf(args);
  const [n0, n1] = chunkRange(g.n, args.chunks as number, c);
  const size = g.cout * g.kSize;
  const partial = (args.partials as TypedArray).subarray(c * size, (c + 1) * size);
  const rowSums = (args.rowSums as Float64Array).subarray(c * g.cout, (c + 1) * g.cout);
  getKernel<AdderWeightProductImages>('adder2d.weightGrad')(args.x as TypedArray, args.g as TypedArray, partial, rowSums, g, n0, n1);
}
const weightPartialKernel = defineKernel(import.meta.url, 'adderWeightPartialChunk', adderWeightPartialChunk);

/**
 * dW_raw's terms over images: the product sum_n G_n X_col,n^T into out (Cout x K) and rowsum(G) into rowSum (Cout),
 * from partial sums per chunk added in chunk order.
 */
export function runAdderWeightProduct(x: TypedArray, grad: TypedArray, out: TypedArray, rowSum: Float64Array, g: AdderGeometry): void {
  const chunks = Math.min(MAX_WEIGHT_CHUNKS, g.n);
  const size = g.cout * g.kSize;
  const float64 = out instanceof Float64Array;
  const partials = allocate(float64 ? 'float64' : 'float32', chunks * size);
  const rowSums = allocate('float64', chunks * g.cout);
  runChunks(weightPartialKernel, chunks, { ...geoArgs(g), x, g: grad, partials, rowSums, chunks }, g.n * size * g.pSize);
  for (let i = 0; i < size; i++) {
    let s = 0;
    for (let c = 0; c < chunks; c++) s += partials[c * size + i]!;
    out[i] = s;
  }
  for (let co = 0; co < g.cout; co++) {
    let s = 0;
    for (let c = 0; c < chunks; c++) s += rowSums[c * g.cout + co]!;
    rowSum[co] = s;
  }
}
