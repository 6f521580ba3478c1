// Multi-core kernels: the thread count, the worker pool and the chunked-kernel API.
export { getNumThreads, setNumThreads } from './threads';
export { runChunks, shutdown, poolRunning, chunkRange, chunkCount, ParallelError, PARALLEL_MIN_WORK } from '#worker-pool';
export { defineKernel, type ParallelKernel, type KernelArgs, type ChunkFn } from './kernel';
export { startTsWorker } from '#ts-worker';
