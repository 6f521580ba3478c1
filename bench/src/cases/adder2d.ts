// adder2d forward, input gradient, weight gradient and forward+backward on the three ResNet-20 layer shapes (3x3,
// stride 1, padding 1) at batch 32, in G adder-ops/s (one op = one |x - w| accumulate); and forward+backward at
// batch 128 with the peak RSS of a fresh process doing it once on the row's backend.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { adderBackwardInput, adderBackwardWeight, adderForward } from '@adder/addernet';
import { Generator, getBackend, getNumThreads, randn, type NDArray } from '@adder/tensor';
import type { BenchCase, BenchSuite, RssFigure } from '../harness';

/** [channels, spatial size] of ResNet-20's three stages (CIFAR-10, 32x32 input). */
export const ADDER_STAGES: readonly [number, number][] = [[16, 32], [32, 16], [64, 8]];

/** |x - w| accumulates of one forward: N * Cout * Ho * Wo * Cin * 9. */
export function adderOps(batch: number, c: number, hw: number): number {
  return batch * c * hw * hw * c * 9;
}

/** Input, weight and output gradient of one layer shape, made on first use (the batch-128 ones are large). */
function layerInputs(batch: number, c: number, hw: number): () => { x: NDArray; w: NDArray; gy: NDArray } {
  let io: { x: NDArray; w: NDArray; gy: NDArray } | undefined;
  return () => {
    if (!io) {
      const gen = new Generator(1);
      io = { x: randn([batch, c, hw, hw], { generator: gen }), w: randn([c, c, 3, 3], { generator: gen }), gy: randn([batch, c, hw, hw], { generator: gen }) };
    }
    return io;
  };
}

/** Runs adder-memory-probe.ts in a fresh process on the active backend and thread count. */
function probeMemory(batch: number, c: number, hw: number): RssFigure {
  const probe = join(dirname(fileURLToPath(import.meta.url)), 'adder-memory-probe.ts');
  const env = { ...process.env, ADDER_BACKEND: getBackend(), ADDER_THREADS: String(getNumThreads()) };
  const r = spawnSync(process.execPath, [...process.execArgv, probe, String(batch), String(c), String(hw)], { encoding: 'utf8', env });
  if (r.status !== 0) return `memory probe failed: ${r.stderr.trim().split('\n').pop() ?? ''}`;
  const m = JSON.parse(r.stdout.trim().split('\n').pop()!) as { peakMb: number; baselineMb: number };
  return { peakMb: m.peakMb, baselineMb: m.baselineMb };
}

function fwdBwdCase(batch: number, c: number, hw: number, withRss: boolean): BenchCase {
  const io = layerInputs(batch, c, hw);
  const gops = adderOps(batch, c, hw) / 1e9;
  return {
    // forward, input gradient and weight gradient each do one op per (n, co, p, k): 3 x the forward's ops.
    name: `fwd+bwd ${batch}x${c}x${hw}x${hw} k3`, items: 3 * gops, unit: 'G adder-op',
    peakRss: withRss ? () => probeMemory(batch, c, hw) : undefined,
    run: () => {
      const { x, w, gy } = io();
      adderForward(x, w, 1, 1);
      adderBackwardInput(x, w, gy, 1, 1);
      adderBackwardWeight(x, w, gy, 1, 1);
    },
  };
}

function adderCases(batch: number, c: number, hw: number): BenchCase[] {
  const io = layerInputs(batch, c, hw);
  const gops = adderOps(batch, c, hw) / 1e9;
  const label = `${batch}x${c}x${hw}x${hw} k3`;
  return [
    { name: `fwd ${label}`, items: gops, unit: 'G adder-op', run: () => void adderForward(io().x, io().w, 1, 1) },
    { name: `bwd-input ${label}`, items: gops, unit: 'G adder-op', run: () => void adderBackwardInput(io().x, io().w, io().gy, 1, 1) },
    { name: `bwd-weight ${label}`, items: gops, unit: 'G adder-op', run: () => void adderBackwardWeight(io().x, io().w, io().gy, 1, 1) },
    fwdBwdCase(batch, c, hw, false),
  ];
}

export const adder2dSuite: BenchSuite = {
  name: 'adder2d',
  description: 'fused adder2d kernels on ResNet-20 layer shapes (3x3, padding 1): forward, each gradient, forward+backward in G adder-ops/s; batch 128 with peak RSS',
  cases: (quick) => {
    const cases = ADDER_STAGES.flatMap(([c, hw]) => adderCases(quick ? 8 : 32, c, hw));
    // peak memory at batch 128 (quick: 32): timed too, so that the rate at the large batch shows
    for (const [c, hw] of ADDER_STAGES) cases.push(fwdBwdCase(quick ? 32 : 128, c, hw, true));
    return cases;
  },
};
