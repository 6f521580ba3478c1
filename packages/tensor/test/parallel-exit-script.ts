// Run as a child process by parallel.test.ts: uses the pool without shutting it down; it must exit on its own.
import { getNumThreads, matmul, poolRunning, randn, runChunks, setNumThreads } from '../src/index';
import { seenFlag, whoRanKernel } from './parallel-kernels';

setNumThreads(2);
const who = new Int32Array(new SharedArrayBuffer(4 * 8)).fill(-1);
runChunks(whoRanKernel, 8, { who, seen: seenFlag() });
const c = matmul(randn([128, 128]), randn([128, 128]));
console.log(JSON.stringify({ threads: getNumThreads(), pool: poolRunning(), workerChunks: [...who].filter((t) => t !== 0).length, finite: Number.isFinite(c.data[0]) }));
