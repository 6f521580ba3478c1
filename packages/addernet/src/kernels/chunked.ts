// The adder kernels split into chunks for the worker pool: forward by output rows, input gradient by images,
// weight gradient by images into per-chunk partial sums added in chunk order. Chunks depend only on the shapes.
import { allocate, chunkCount, chunkRange, defineKernel, gemm, NDArray, runChunks, type KernelArgs, type TypedArray } from '@adder/tensor';
import type { AdderGeometry } from './geometry';
import { forwardImage } from './adderForward';
import { backwardInputImage, cropImage, POS_BLOCK } from './adderBackwardInput';
import { paddedSize } from './padInput';
import { im2colImage } from './im2col';

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
  for (let r = r0; r < r1; ) {
    const n = Math.floor(r / g.ho);
    const oh0 = r - n * g.ho;
    const oh1 = Math.min(g.ho, oh0 + (r1 - r));
    forwardImage(args.wp as TypedArray, args.xp as TypedArray, args.offs as Int32Array, args.y as TypedArray, n, g, oh0, oh1);
    r += oh1 - oh0;
  }
}
const forwardKernel = defineKernel(import.meta.url, 'adderForwardChunk', adderForwardChunk);

/** Runs the forward tiles of every image over the pool; each output element is computed by one chunk as serially. */
export function runAdderForward(wp: TypedArray, xp: TypedArray, offs: Int32Array, y: TypedArray, g: AdderGeometry): void {
  const rows = g.n * g.ho;
  const perRow = g.wo * g.cout * g.kSize;
  const chunks = Math.min(256, chunkCount(rows, perRow, ADDER_GRAIN));
  runChunks(forwardKernel, chunks, { ...geoArgs(g), wp, xp, offs, y, chunks }, rows * perRow);
}

/** Input-gradient chunk: images [n0, n1), each accumulated in its own float64 padded scratch and cropped into dx. */
export function adderBackwardInputChunk(args: KernelArgs, c: number): void {
  const g = geoOf(args);
  const [n0, n1] = chunkRange(g.n, args.chunks as number, c);
  const { hp, wp } = paddedSize(g);
  const dxp = allocate('float64', g.cin * hp * wp);
  const gp = allocate('float64', g.cout * POS_BLOCK);
  for (let n = n0; n < n1; n++) {
    dxp.fill(0);
    backwardInputImage(args.wt as TypedArray, args.xp as TypedArray, args.offs as Int32Array, args.g as TypedArray, gp, dxp, n, g);
    cropImage(dxp, args.dx as TypedArray, n, g);
  }
}
const backwardInputKernel = defineKernel(import.meta.url, 'adderBackwardInputChunk', adderBackwardInputChunk);

/** Runs the input gradient of every image over the pool (images are independent: same bits as serially). */
export function runAdderBackwardInput(wt: TypedArray, xp: TypedArray, offs: Int32Array, grad: TypedArray, dx: TypedArray, g: AdderGeometry): void {
  const perImage = g.pSize * g.cout * g.kSize;
  const chunks = chunkCount(g.n, perImage, ADDER_GRAIN);
  runChunks(backwardInputKernel, chunks, { ...geoArgs(g), wt, xp, offs, g: grad, dx, chunks }, g.n * perImage);
}

/** Weight-gradient chunk: partial[c] = sum over images [n0, n1) of G_n X_col,n^T (Cout x K), one image at a time. */
export function adderWeightPartialChunk(args: KernelArgs, c: number): void {
  const g = geoOf(args);
  const [n0, n1] = chunkRange(g.n, args.chunks as number, c);
  const { cout, kSize, pSize } = g;
  const grad = args.g as TypedArray;
  const partial = args.partials as TypedArray;
  const col = NDArray.fromTyped(allocate(args.dtype === 1 ? 'float64' : 'float32', kSize * pSize), [kSize, pSize]);
  const colT = col.transpose(0, 1);
  const out = NDArray.fromTyped(partial.subarray(c * cout * kSize, (c + 1) * cout * kSize), [cout, kSize]);
  const gImage = NDArray.fromTyped(grad, [grad.length]);
  for (let n = n0; n < n1; n++) {
    im2colImage(args.x as TypedArray, n, g, col.data);
    const gn = new NDArray(gImage.storage, [cout, pSize], [pSize, 1], n * cout * pSize);
    gemm(gn, colT, out, { beta: n === n0 ? 0 : 1 });
  }
}
const weightPartialKernel = defineKernel(import.meta.url, 'adderWeightPartialChunk', adderWeightPartialChunk);

/** dW_raw's product term sum_n G_n X_col,n^T into out (Cout x K): partial sums per chunk, added in chunk order. */
export function runAdderWeightProduct(x: TypedArray, grad: TypedArray, out: TypedArray, g: AdderGeometry): void {
  const chunks = Math.min(MAX_WEIGHT_CHUNKS, g.n);
  const size = g.cout * g.kSize;
  const float64 = out instanceof Float64Array;
  const partials = allocate(float64 ? 'float64' : 'float32', chunks * size);
  runChunks(weightPartialKernel, chunks, { ...geoArgs(g), x, g: grad, partials, chunks, dtype: float64 ? 1 : 0 }, g.n * size * g.pSize);
  for (let i = 0; i < size; i++) {
    let s = 0;
    for (let c = 0; c < chunks; c++) s += partials[c * size + i]!;
    out[i] = s;
  }
}
