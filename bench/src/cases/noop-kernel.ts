// An empty chunk kernel: timing it measures what one dispatch to the worker pool costs (the small-job threshold).
import { defineKernel, type KernelArgs } from '@adder/tensor';

/** Does nothing. */
export function noopChunk(_args: KernelArgs, _c: number): void {}

/** The empty kernel, importable by the workers. */
export const noopKernel = defineKernel(import.meta.url, 'noopChunk', noopChunk);
