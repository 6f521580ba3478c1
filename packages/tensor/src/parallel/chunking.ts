// What the Node and the Web Worker pools share: the error they raise, the small-job threshold, how chunks split a
// range, and the copy of non-shared arrays into SharedArrayBuffers for the duration of a call.
import type { TypedArray } from '../dtype';
import { TensorError } from '../errors';
import { DONE, NEXT, type KernelArgs, type ParallelKernel } from './kernel';

/** The error a failed parallel kernel raises on the calling thread. */
export class ParallelError extends TensorError {
  constructor(message: string) {
    super('parallel', message);
    this.name = 'ParallelError';
  }
}

/** Below this many elementary operations a kernel runs on the calling thread (a dispatch costs ~0.08 ms on the 2-core EPYC, ~5% of such a job). */
export const PARALLEL_MIN_WORK = 500_000;

/** Splits [0, total) into `chunks` contiguous ranges of near-equal size; returns chunk c's [start, end). */
export function chunkRange(total: number, chunks: number, c: number): [number, number] {
  return [Math.floor((total * c) / chunks), Math.floor((total * (c + 1)) / chunks)];
}

/** A chunk count that depends only on the problem size: about one chunk per `grain` operations, at most `units`. */
export function chunkCount(units: number, workPerUnit: number, grain = 2_000_000): number {
  return Math.max(1, Math.min(units, Math.round((units * workPerUnit) / grain)));
}

function isShared(a: TypedArray): boolean {
  return a.buffer instanceof SharedArrayBuffer;
}

type ViewCtor = new (buffer: SharedArrayBuffer, byteOffset: number, length: number) => TypedArray;

/**
 * Gives the workers SharedArrayBuffer-backed views of arrays that are not (made before the pool started): one
 * shared copy per underlying buffer, spanning all its views, so that views which alias (an in-place op's input and
 * output) still alias. `copied` lists the spans to copy back afterwards.
 */
export function shareArgs(args: KernelArgs): { shared: KernelArgs; copied: Array<[Uint8Array, Uint8Array]> } {
  const spans = new Map<ArrayBufferLike, { lo: number; hi: number; copy: SharedArrayBuffer | null }>();
  for (const v of Object.values(args)) {
    if (typeof v === 'number' || isShared(v)) continue;
    const span = spans.get(v.buffer) ?? { lo: v.byteOffset, hi: v.byteOffset + v.byteLength, copy: null };
    span.lo = Math.min(span.lo, v.byteOffset);
    span.hi = Math.max(span.hi, v.byteOffset + v.byteLength);
    spans.set(v.buffer, span);
  }
  const copied: Array<[Uint8Array, Uint8Array]> = [];
  for (const [buffer, span] of spans) {
    span.copy = new SharedArrayBuffer(span.hi - span.lo);
    const original = new Uint8Array(buffer, span.lo, span.hi - span.lo);
    const copy = new Uint8Array(span.copy);
    copy.set(original);
    copied.push([original, copy]);
  }
  const shared: KernelArgs = {};
  for (const key of Object.keys(args)) {
    const v = args[key]!;
    const span = typeof v === 'number' ? undefined : spans.get(v.buffer);
    if (typeof v === 'number' || span === undefined) {
      shared[key] = v;
      continue;
    }
    const Ctor = v.constructor as ViewCtor;
    shared[key] = new Ctor(span.copy!, v.byteOffset - span.lo, v.length);
  }
  return { shared, copied };
}

/** Runs every chunk in order on the calling thread. */
export function runSerial(kernel: ParallelKernel, chunks: number, args: KernelArgs): void {
  for (let c = 0; c < chunks; c++) kernel.fn(args, c);
}

/**
 * The calling thread's part of a job: claims chunks from the shared counter until none is left, then stops further
 * claims and waits (Atomics.wait) until every claimed chunk is done. `mark(true/false)` brackets the caller's own
 * chunks (a kernel called from inside one runs serially). The caller's own chunk error is thrown after the wait.
 */
export function claimAndWait(kernel: ParallelKernel, shared: KernelArgs, chunks: number, control: Int32Array, mark: (running: boolean) => void): void {
  let ownError: unknown = null;
  mark(true);
  try {
    for (let c = Atomics.add(control, NEXT, 1); c < chunks; c = Atomics.add(control, NEXT, 1)) {
      kernel.fn(shared, c);
      Atomics.add(control, DONE, 1);
    }
  } catch (e) {
    ownError = e;
    Atomics.add(control, DONE, 1);
  } finally {
    mark(false);
  }
  // stop further claims; wait for the chunks already claimed
  const claimed = Math.min(Atomics.exchange(control, NEXT, chunks), chunks);
  for (let done = Atomics.load(control, DONE); done < claimed; done = Atomics.load(control, DONE)) {
    Atomics.wait(control, DONE, done, 1000);
  }
  if (ownError !== null) throw ownError;
}
