// adder2d forward and forward+backward on the three ResNet-20 layer shapes (3x3, stride 1, padding 1) at batch 32,
// in G adder-ops/s (one op = one |x - w| accumulate), and the peak memory of a fresh process running each layer.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { adderBackwardInput, adderBackwardWeight, adderForward } from '@adder/addernet';
import { Generator, randn } from '@adder/tensor';
import type { BenchCase, BenchSuite } from '../harness';

/** [channels, spatial size] of ResNet-20's three stages (CIFAR-10, 32x32 input). */
export const ADDER_STAGES: readonly [number, number][] = [[16, 32], [32, 16], [64, 8]];

/** |x - w| accumulates of one forward: N * Cout * Ho * Wo * Cin * 9. */
export function adderOps(batch: number, c: number, hw: number): number {
  return batch * c * hw * hw * c * 9;
}

function adderCases(batch: number, c: number, hw: number): BenchCase[] {
  const gen = new Generator(1);
  const x = randn([batch, c, hw, hw], { generator: gen });
  const w = randn([c, c, 3, 3], { generator: gen });
  const gy = randn([batch, c, hw, hw], { generator: gen });
  const gops = adderOps(batch, c, hw) / 1e9;
  const label = `${batch}x${c}x${hw}x${hw} k3`;
  return [
    { name: `fwd ${label}`, items: gops, unit: 'G adder-op', run: () => void adderForward(x, w, 1, 1) },
    { name: `bwd-input ${label}`, items: gops, unit: 'G adder-op', run: () => void adderBackwardInput(x, w, gy, 1, 1) },
    { name: `bwd-weight ${label}`, items: gops, unit: 'G adder-op', run: () => void adderBackwardWeight(x, w, gy, 1, 1) },
    {
      // forward, input gradient and weight gradient each do one op per (n, co, p, k): 3 x the forward's ops.
      name: `fwd+bwd ${label}`, items: 3 * gops, unit: 'G adder-op',
      run: () => {
        adderForward(x, w, 1, 1);
        adderBackwardInput(x, w, gy, 1, 1);
        adderBackwardWeight(x, w, gy, 1, 1);
      },
    },
  ];
}

/** Runs adder-memory-probe.ts in a fresh process for one layer and returns its report line. */
function probeMemory(batch: number, c: number, hw: number): string {
  const probe = join(dirname(fileURLToPath(import.meta.url)), 'adder-memory-probe.ts');
  const r = spawnSync(process.execPath, [...process.execArgv, probe, String(batch), String(c), String(hw)], { encoding: 'utf8' });
  if (r.status !== 0) return `memory probe failed: ${r.stderr.trim().split('\n').pop() ?? ''}`;
  return r.stdout.trim();
}

export const adder2dSuite: BenchSuite = {
  name: 'adder2d',
  description: 'fused adder2d kernels on ResNet-20 layer shapes (3x3, padding 1): forward, each gradient, forward+backward in G adder-ops/s; peak RSS',
  cases: (quick) => {
    const batch = quick ? 8 : 32;
    for (const [c, hw] of ADDER_STAGES) {
      for (const b of quick ? [batch] : [batch, 128]) console.log(`  adder2d/memory ${probeMemory(b, c, hw)}`);
    }
    return ADDER_STAGES.flatMap(([c, hw]) => adderCases(batch, c, hw));
  },
};
