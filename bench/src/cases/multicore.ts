// Our kernels and models at 1 thread and at all cores on each backend, with the scaling (all cores / 1 thread) as a
// ratio, next to their peers measured in the same run (the PyTorch reference adder's layers via
// tools/golden/bench_reference.py, tfjs-backend-cpu conv2d) and with peak RSS from a fresh process.
import type { BenchCase, BenchSuite } from '../harness';
import { ALL, adderCases, convCases, dispatchCase, evalCase, matmulCase, resnet50Case, trainCase, type Plan } from './multicore-cases';

/** [channels, spatial size, the reference script's layer name] of ResNet-20's three stages. */
const LAYERS: readonly [number, number, string][] = [[16, 32, '16->16@32x32'], [32, 16, '32->32@16x16'], [64, 8, '64->64@8x8']];

function plan(quick: boolean): Plan {
  return {
    quick,
    adderBatches: quick ? [32] : [32, 128],
    convBatches: quick ? [8] : [32, 128],
    modelBatches: quick ? [8] : [32, 128],
    threads: ALL > 1 ? [1, ALL] : [1],
  };
}

/** Cases grouped by thread count, so that the pool restarts once per group rather than once per case. */
function build(p: Plan): BenchCase[] {
  const cases: BenchCase[] = [];
  for (const t of p.threads) {
    if (t > 1) cases.push(dispatchCase(t));
    for (const batch of p.adderBatches) for (const [c, hw, layer] of LAYERS) cases.push(...adderCases(p, batch, c, hw, layer, t));
    for (const batch of p.convBatches) for (const [c, hw] of LAYERS) cases.push(...convCases(p, batch, c, hw, t));
    cases.push(matmulCase(512, t));
    for (const batch of p.modelBatches) {
      cases.push(trainCase('adder', batch, t));
      if (!p.quick || t === ALL) cases.push(trainCase('cnn', batch, t)); // quick: the CNN twin on all cores only
    }
    cases.push(evalCase('adder', p.modelBatches[p.modelBatches.length - 1]!, t));
    // ResNet-50 takes seconds per image: full runs only
    if (!p.quick) for (const batch of [1, 8]) cases.push(resnet50Case(batch, t));
  }
  // the scaling: each multi-thread case against its 1-thread twin on the same backend
  const names = new Set(cases.map((c) => c.name));
  for (const c of cases) {
    const m = / t(\d+)$/.exec(c.name);
    if (!m || m[1] === '1') continue;
    const single = `${c.name.slice(0, m.index)} t1`;
    if (names.has(single)) c.vs = [{ name: single, label: `t${m[1]}/t1` }];
  }
  return cases;
}

/** The multicore suite: every case at 1 thread and at all cores, with peers and peak memory. */
export const multicoreSuite: BenchSuite = {
  name: 'multicore',
  description: `adder2d, conv2d, matmul, ResNet-20 train/eval and ResNet-50 forward at 1 thread and all ${ALL} cores (scaling ratios), with peers (PyTorch reference layers, tfjs-cpu) and peak RSS`,
  cases: (quick) => build(plan(quick)),
};
