// What a parallel kernel is: a chunk function plus where a worker finds it (module URL and export name).
import type { BackendName } from '../backend/backend';
import type { TypedArray } from '../dtype';

/** The arguments of a chunked kernel: typed arrays (shared with the workers) and plain numbers. */
export type KernelArgs = Record<string, TypedArray | number>;

/** Computes chunk `chunk` of a kernel; chunks write disjoint outputs, so any order gives the same bits. */
export type ChunkFn = (args: KernelArgs, chunk: number) => void;

/** A chunk function and its location, so that a worker can import the very same function. */
export interface ParallelKernel {
  /** import.meta.url of the module exporting the function. */
  readonly url: string;
  /** The export name. */
  readonly name: string;
  /** The function itself, run directly on the calling thread. */
  readonly fn: ChunkFn;
}

/** Every kernel declared in this thread, by export name (a Web Worker pool finds its kernels here: a bundle has no module URLs). */
const declared = new Map<string, ParallelKernel>();

/** Declares a chunk function exported as `name` from the module at `url` (pass import.meta.url). */
export function defineKernel(url: string, name: string, fn: ChunkFn): ParallelKernel {
  const kernel = { url, name, fn };
  declared.set(name, kernel);
  return kernel;
}

/** The kernel declared under `name` in this thread (its module must have been imported), or undefined. */
export function declaredKernel(name: string): ParallelKernel | undefined {
  return declared.get(name);
}

/** Control block slot (Int32Array over a SharedArrayBuffer): the next chunk to claim. */
export const NEXT = 0;
/** Control block slot: chunks finished. */
export const DONE = 1;
/** Control block slot: 0, or why the job failed (FAILED_KERNEL, FAILED_EXIT). */
export const FAILED = 2;
/** Slots in a control block. */
export const CONTROL_SLOTS = 4;
/** FAILED value: a kernel threw in a worker (the worker lives on). */
export const FAILED_KERNEL = 1;
/** FAILED value: a worker thread ended during the job. */
export const FAILED_EXIT = 2;

/** The message that hands one job to a worker. */
export interface JobMessage {
  /** The caller's kernel backend: the worker runs the job on the same one, so the bits match a serial run. */
  backend: BackendName;
  url: string;
  name: string;
  args: KernelArgs;
  chunks: number;
  control: Int32Array;
}
