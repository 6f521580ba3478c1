// unfold (im2col) and fold (col2im) split by images on the pool; images are independent, so the bits never
// depend on the split. Each chunk looks its kernel ('im2col' / 'col2im') up once on the thread's backend.
import { getKernel } from '../backend/registry';
import type { WindowGeometry } from '../conv-geometry';
import type { TypedArray } from '../dtype';
import type { Col2imKernel, Im2colKernel } from '../im2col';
import '../im2col'; // registers 'im2col' and 'col2im' (a worker loads this module on its own)
import { defineKernel, type KernelArgs } from './kernel';
import { chunkCount, chunkRange, runChunks } from '#worker-pool';
import { geometryArgs, geometryOf } from './window-args';

/** Elements per chunk (copies: memory-bound). */
const UNFOLD_GRAIN = 262_144;
/** Chunk c of unfold: im2col of the chunk's images into out (rows x L per image). */
export function unfoldChunk(args: KernelArgs, c: number): void {
  const g = geometryOf(args);
  const [b0, b1] = chunkRange(args.n as number, args.chunks as number, c);
  const block = (args.rows as number) * g.outH * g.outW;
  const im2colImage = getKernel<Im2colKernel>('im2col');
  for (let b = b0; b < b1; b++) {
    im2colImage(args.x as TypedArray, (args.xOff as number) + b * (args.sN as number), args.sC as number, args.sH as number, args.sW as number,
      args.c as number, g, args.out as TypedArray, b * block);
  }
}
const unfoldKernel = defineKernel(import.meta.url, 'unfoldChunk', unfoldChunk);

/** Chunk c of fold: col2im of the chunk's images, summed into out (C x height x width per image). */
export function foldChunk(args: KernelArgs, c: number): void {
  const g = geometryOf(args);
  const [b0, b1] = chunkRange(args.n as number, args.chunks as number, c);
  const image = (args.c as number) * g.height * g.width;
  const col2imImageAdd = getKernel<Col2imKernel>('col2im');
  for (let b = b0; b < b1; b++) {
    col2imImageAdd(args.cols as TypedArray, (args.colsOff as number) + b * (args.sN as number), args.sR as number, args.sL as number,
      args.c as number, g, args.out as TypedArray, b * image);
  }
}
const foldKernel = defineKernel(import.meta.url, 'foldChunk', foldChunk);

/** unfold of n images of x (strides sN, sC, sH, sW from xOff) into out, split by images. */
export function runUnfold(x: TypedArray, xOff: number, sN: number, sC: number, sH: number, sW: number, n: number, c: number, g: WindowGeometry, out: TypedArray): void {
  const rows = c * g.kh * g.kw;
  const perImage = rows * g.outH * g.outW;
  const chunks = chunkCount(n, perImage, UNFOLD_GRAIN);
  runChunks(unfoldKernel, chunks, { ...geometryArgs(g), x, xOff, sN, sC, sH, sW, n, c, rows, out, chunks }, n * perImage);
}

/** fold of n images of cols (strides sN, sR, sL from colsOff) into out, split by images. */
export function runFold(cols: TypedArray, colsOff: number, sN: number, sR: number, sL: number, n: number, c: number, g: WindowGeometry, out: TypedArray): void {
  const perImage = c * g.kh * g.kw * g.outH * g.outW;
  const chunks = chunkCount(n, perImage, UNFOLD_GRAIN);
  runChunks(foldKernel, chunks, { ...geometryArgs(g), cols, colsOff, sN, sR, sL, n, c, out, chunks }, n * perImage);
}
