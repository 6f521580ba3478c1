// Large contiguous element-wise ops split into index ranges on the worker pool (each element is independent,
// so the bits never depend on the split).
import { getKernel } from '../backend/registry';
import type { TypedArray } from '../dtype';
import { BINARY_OPS, UNARY_OPS, type BinaryKernel, type BinaryOp, type UnaryKernel, type UnaryOp } from '../elementwise';
import { defineKernel, type KernelArgs } from './kernel';
import { canParallelize, chunkRange, runChunks } from '#worker-pool';

/** Elements per chunk, and the fewest elements worth a dispatch (memory-bound loops: ~1-4 ns per element). */
const ELEMENT_GRAIN = 65_536;
const ELEMENT_MIN = 262_144;

/** Chunk c of out[oo + i] = op(a[ao + i*as], b[bo + i*bs]), by the element-wise kernel of the caller's backend. */
export function binaryChunk(args: KernelArgs, c: number): void {
  const [s, e] = chunkRange(args.n as number, args.chunks as number, c);
  const as = args.as as number, bs = args.bs as number;
  getKernel<BinaryKernel>('elementwise.binary')(
    BINARY_OPS[args.op as number]!, args.a as TypedArray, (args.ao as number) + s * as, as, args.b as TypedArray, (args.bo as number) + s * bs, bs,
    args.out as TypedArray, (args.oo as number) + s, e - s,
  );
}
const binaryKernel = defineKernel(import.meta.url, 'binaryChunk', binaryChunk);

/** Chunk c of out[oo + i] = op(a[ao + i]), by the element-wise kernel of the caller's backend. */
export function unaryChunk(args: KernelArgs, c: number): void {
  const [s, e] = chunkRange(args.n as number, args.chunks as number, c);
  getKernel<UnaryKernel>('elementwise.unary')(
    UNARY_OPS[args.op as number]!, args.a as TypedArray, (args.ao as number) + s, args.out as TypedArray, (args.oo as number) + s, e - s, args.p as number, args.q as number,
  );
}
const unaryKernel = defineKernel(import.meta.url, 'unaryChunk', unaryChunk);

/** Runs a contiguous/scalar-operand binary loop on the pool and returns true, or false when it should run inline. */
export function parallelBinary(op: BinaryOp, a: TypedArray, ao: number, as: number, b: TypedArray, bo: number, bs: number, out: TypedArray, oo: number, n: number): boolean {
  if (n < ELEMENT_MIN || !canParallelize()) return false;
  const chunks = Math.ceil(n / ELEMENT_GRAIN);
  // pass only the spans read and written, so that unshared buffers are copied no further
  const aSpan = as === 0 ? a.subarray(ao, ao + 1) : a.subarray(ao, ao + n);
  const bSpan = bs === 0 ? b.subarray(bo, bo + 1) : b.subarray(bo, bo + n);
  runChunks(binaryKernel, chunks, { op: BINARY_OPS.indexOf(op), a: aSpan, ao: 0, as, b: bSpan, bo: 0, bs, out: out.subarray(oo, oo + n), oo: 0, n, chunks }, 2 * n);
  return true;
}

/** Runs a contiguous unary loop on the pool and returns true, or false when it should run inline. */
export function parallelUnary(op: UnaryOp, a: TypedArray, ao: number, out: TypedArray, oo: number, n: number, p: number, q: number): boolean {
  if (n < ELEMENT_MIN || !canParallelize()) return false;
  const chunks = Math.ceil(n / ELEMENT_GRAIN);
  runChunks(unaryKernel, chunks, { op: UNARY_OPS.indexOf(op), a: a.subarray(ao, ao + n), ao: 0, out: out.subarray(oo, oo + n), oo: 0, n, p, q, chunks }, 2 * n);
  return true;
}
