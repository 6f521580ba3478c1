// The worker pool: thread-count settings, chunks really run on workers, bit-identical gemm/conv2d for 1, 2 and 3
// threads, and the lifecycle (exits on its own, shutdown, a worker's exception or exit surfaces on the caller).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  Generator, NDArray, ParallelError, add, conv2d, exp, mean, mul, relu, sub, sum, conv2dBackwardInput, conv2dBackwardWeight, getNumThreads, isSharedStorage, matmul,
  BACKENDS, getBackend, setBackend, fold, poolRunning, randn, runChunks, setNumThreads, shutdown, unfold,
} from '../src/index';
import { exitInWorkerKernel, seenFlag, squareKernel, throwInWorkerKernel, whoRanKernel } from './parallel-kernels';

const here = dirname(fileURLToPath(import.meta.url));

function bits(a: NDArray): number[] {
  const d = a.contiguous().data;
  return [...new Uint32Array(d.buffer, d.byteOffset, d.byteLength / 4)];
}

afterAll(async () => {
  await shutdown();
  setNumThreads(1);
});

describe('thread count', () => {
  it('comes from ADDER_THREADS until setNumThreads is called, and rejects bad values', () => {
    const saved = process.env.ADDER_THREADS;
    try {
      process.env.ADDER_THREADS = '3';
      expect(getNumThreads()).toBe(3);
      process.env.ADDER_THREADS = 'two';
      expect(() => getNumThreads()).toThrow(/ADDER_THREADS.*"two"/);
      // at most 256 (1,000 workers exhausted memory), and integers only ('0x4' and '2.5' are refused too)
      for (const bad of ['1000', '257', '0x4', '2.5', '0']) {
        process.env.ADDER_THREADS = bad;
        expect(() => getNumThreads()).toThrow(/from 1 to 256 from ADDER_THREADS/);
      }
      process.env.ADDER_THREADS = '256';
      expect(getNumThreads()).toBe(256);
    } finally {
      if (saved === undefined) delete process.env.ADDER_THREADS;
      else process.env.ADDER_THREADS = saved;
    }
    expect(() => setNumThreads(0)).toThrow(/setNumThreads.*from 1 to 256/);
    expect(() => setNumThreads(1.5)).toThrow(/setNumThreads.*from 1 to 256/);
    expect(() => setNumThreads(257)).toThrow(/setNumThreads.*from 1 to 256/);
    setNumThreads(1);
    expect(getNumThreads()).toBe(1);
  });

  it('one thread runs every chunk on the calling thread, in order, without a pool', () => {
    setNumThreads(1);
    const who = new Int32Array(6).fill(-1);
    const seen = seenFlag();
    seen[0] = 1; // no worker will come: do not wait for one
    runChunks(whoRanKernel, 6, { who, seen });
    expect([...who]).toEqual([0, 0, 0, 0, 0, 0]);
    expect(poolRunning()).toBe(false);
  });
});

describe('pool', () => {
  it('hands chunks to workers when the caller is busy, on shared storage', () => {
    setNumThreads(2);
    const who = new Int32Array(new SharedArrayBuffer(4 * 12)).fill(-1);
    runChunks(whoRanKernel, 12, { who, seen: seenFlag() });
    expect(poolRunning()).toBe(true);
    expect(isSharedStorage()).toBe(true);
    expect(who.every((t) => t >= 0)).toBe(true);
    expect(who.some((t) => t !== 0)).toBe(true);
  });

  it('copies an unshared output in and back out', () => {
    setNumThreads(2);
    const x = new Float32Array(1000).map((_, i) => i - 500);
    const y = new Float32Array(1000);
    runChunks(squareKernel, 10, { x, y, chunks: 10 });
    expect(y.every((v, i) => v === (i - 500) * (i - 500))).toBe(true);
  });

  it('runs large element-wise ops and row reductions on the pool, in place on unshared buffers too, with the serial bits', () => {
    const n = 300_001;
    const g = new Generator(9);
    const a = randn([n], { generator: g });
    const b = randn([n], { generator: g });
    const m = randn([700, 900], { generator: g });
    const run = (threads: number): number[][] => {
      setNumThreads(threads);
      // unshared buffers (plain ArrayBuffer), one updated in place: out aliases the first operand
      const x = NDArray.fromTyped(Float32Array.from(a.data as Float32Array), [n]);
      add(x, b, x);
      mul(x, 0.5, x);
      return [bits(x), bits(relu(a)), bits(sub(a, b)), bits(exp(b)), bits(sum(m, 1)), bits(mean(m, 1)), bits(sum(m, 0))];
    };
    const one = run(1);
    const two = run(2);
    expect(poolRunning()).toBe(true);
    const three = run(3);
    expect(two).toEqual(one);
    expect(three).toEqual(one);
    // and the in-place result is right, not merely the same
    const x = Float32Array.from(a.data as Float32Array);
    for (let i = 0; i < n; i++) x[i] = Math.fround(Math.fround(x[i]! + (b.data[i] as number)) * 0.5);
    expect(one[0]).toEqual([...new Uint32Array(x.buffer)]);
    // row sums against a float64 loop rounded to float32
    const rows = Array.from({ length: 700 }, (_, r) => {
      let acc = 0;
      for (let i = 0; i < 900; i++) acc += m.data[r * 900 + i] as number;
      return acc;
    });
    expect(one[4]).toEqual([...new Uint32Array(Float32Array.from(rows).buffer)]);
  });

  it.each(BACKENDS)('gives gemm, matmul, conv2d (forward, both gradients), unfold and fold the same bits with 1, 2 and 3 threads on the %s backend', (backend) => {
    const before = getBackend();
    setBackend(backend);
    const g = new Generator(5);
    const a = randn([70, 130], { generator: g });
    const b = randn([130, 90], { generator: g });
    const x = randn([3, 6, 17, 15], { generator: g });
    const w = randn([20, 6, 3, 3], { generator: g });
    const gy = randn([3, 20, 17, 15], { generator: g });
    const big = randn([6, 8, 40, 40], { generator: g });
    const opts = { padding: 1 };
    const win = { kernelSize: 3, padding: 1, stride: 2 };
    const run = (threads: number): number[][] => {
      setNumThreads(threads);
      return [
        bits(matmul(a, b)), bits(matmul(b.transpose(0, 1), a.transpose(0, 1))),
        bits(conv2d(x, w, null, opts)), bits(conv2dBackwardInput(gy, w, x.shape, opts)), bits(conv2dBackwardWeight(gy, x, w.shape, opts)),
        bits(unfold(big, win)), bits(fold(unfold(big, win), { ...win, outputSize: [40, 40] })),
      ];
    };
    const one = run(1);
    expect(poolRunning()).toBe(false);
    const two = run(2);
    expect(poolRunning()).toBe(true);
    const three = run(3);
    setBackend(before);
    for (let i = 0; i < one.length; i++) {
      expect(two[i]).toEqual(one[i]);
      expect(three[i]).toEqual(one[i]);
    }
  });
});

describe('lifecycle', () => {
  it('an exception inside a worker surfaces on the caller as a ParallelError naming the kernel', () => {
    setNumThreads(2);
    expect(() => runChunks(throwInWorkerKernel, 8, { seen: seenFlag() })).toThrow(ParallelError);
    expect(() => runChunks(throwInWorkerKernel, 8, { seen: seenFlag() })).toThrow(/throwInWorkerChunk failed on chunk \d+: RangeError: boom/);
    // the pool still works afterwards
    const who = new Int32Array(new SharedArrayBuffer(16)).fill(-1);
    runChunks(whoRanKernel, 4, { who, seen: seenFlag() });
    expect(who.every((t) => t >= 0)).toBe(true);
  });

  it('a worker thread that exits mid-chunk fails the call instead of hanging, and the next call restarts the pool', () => {
    setNumThreads(2);
    expect(() => runChunks(exitInWorkerKernel, 8, { seen: seenFlag() })).toThrow(/thread exited while running kernel exitInWorkerChunk/);
    const who = new Int32Array(new SharedArrayBuffer(4 * 8)).fill(-1);
    runChunks(whoRanKernel, 8, { who, seen: seenFlag() });
    expect(who.some((t) => t !== 0)).toBe(true);
  });

  it('shutdown stops the workers and unshares storage; the next parallel call starts again', async () => {
    setNumThreads(2);
    runChunks(whoRanKernel, 2, { who: new Int32Array(new SharedArrayBuffer(8)), seen: seenFlag() });
    expect(poolRunning()).toBe(true);
    await shutdown();
    expect(poolRunning()).toBe(false);
    expect(isSharedStorage()).toBe(false);
    runChunks(whoRanKernel, 2, { who: new Int32Array(new SharedArrayBuffer(8)), seen: seenFlag() });
    expect(poolRunning()).toBe(true);
  });

  it('a script that uses the pool and never calls shutdown exits on its own', () => {
    const tsx = createRequire(import.meta.url).resolve('tsx/cli');
    const r = spawnSync(process.execPath, [tsx, join(here, 'parallel-exit-script.ts')], { encoding: 'utf8', timeout: 45_000 });
    expect(r.error).toBeUndefined();
    expect(r.signal).toBeNull();
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout.trim().split('\n').pop()!) as { threads: number; pool: boolean; workerChunks: number; finite: boolean };
    expect(report).toMatchObject({ threads: 2, pool: true, finite: true });
    expect(report.workerChunks).toBeGreaterThan(0);
  });
});
