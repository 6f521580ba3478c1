// Autograd overhead: forward + backward of a 20-layer MLP (width 256, batch 64) through the graph engine
// versus the same kernel calls made directly; the overhead share is (autograd - direct) / autograd.
import * as K from '@adder/tensor';
import type { NDArray } from '@adder/tensor';
import { fromNDArray, type Tensor } from '@adder/autograd';
import type { BenchCase, BenchSuite } from '../harness';

const LAYERS = 20;
const WIDTH = 256;
const BATCH = 64;

interface Mlp {
  x: NDArray;
  weights: NDArray[];
  biases: NDArray[];
}

function makeMlp(): Mlp {
  const gen = new K.Generator(7);
  const std = Math.sqrt(2 / WIDTH); // He init keeps the ReLU activations from vanishing over 20 layers
  return {
    x: K.randn([BATCH, WIDTH], { generator: gen }),
    weights: Array.from({ length: LAYERS }, () => K.randn([WIDTH, WIDTH], { std, generator: gen })),
    biases: Array.from({ length: LAYERS }, () => K.randn([WIDTH], { std: 0.01, generator: gen })),
  };
}

/** h <- relu(h W + b) per layer, loss = mean(h), loss.backward(): every step recorded by autograd. */
function autogradStep(x: Tensor, ws: Tensor[], bs: Tensor[]): void {
  for (const p of ws) p.grad = null;
  for (const p of bs) p.grad = null;
  let h = x;
  for (let l = 0; l < LAYERS; l++) h = h.matmul(ws[l]!).add(bs[l]!).relu();
  h.mean().backward();
}

/** The same kernels by hand: the forward keeps each layer's output, the backward applies the chain rule. */
function directStep(m: Mlp): NDArray[] {
  const acts: NDArray[] = [m.x];
  let h = m.x;
  for (let l = 0; l < LAYERS; l++) {
    h = K.relu(K.add(K.matmul(h, m.weights[l]!), m.biases[l]!));
    acts.push(h);
  }
  K.mean(h); // the loss value, which the autograd path computes too
  let g = K.full(h.shape, 1 / h.size, h.dtype); // d mean / d h
  const grads: NDArray[] = [];
  for (let l = LAYERS - 1; l >= 0; l--) {
    g = K.where(K.gt(acts[l + 1]!, 0), g, 0); // relu'
    grads.push(K.sum(g, [0], true).reshape([WIDTH])); // db
    grads.push(K.matmul(acts[l]!.transpose(), g)); // dW = h^T g
    g = K.matmul(g, m.weights[l]!.transpose()); // dh = g W^T
  }
  return grads;
}

/** Process CPU milliseconds since `start` (fairer than wall time when other processes share the cores). */
function cpuMsSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

/** Median CPU time of interleaved runs of the two steps: interleaving shares any background load fairly. */
function overheadShare(m: Mlp, x: Tensor, ws: Tensor[], bs: Tensor[], reps: number): { autogradMs: number; directMs: number; share: number } {
  const ta: number[] = [];
  const td: number[] = [];
  for (let r = 0; r < reps; r++) {
    let t0 = process.cpuUsage();
    autogradStep(x, ws, bs);
    ta.push(cpuMsSince(t0));
    t0 = process.cpuUsage();
    directStep(m);
    td.push(cpuMsSince(t0));
  }
  const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  const autogradMs = med(ta);
  const directMs = med(td);
  return { autogradMs, directMs, share: (autogradMs - directMs) / autogradMs };
}

export const autogradMlpSuite: BenchSuite = {
  name: 'autograd',
  description: `graph overhead: forward+backward of a ${LAYERS}-layer MLP (width ${WIDTH}, batch ${BATCH}) via autograd vs direct kernel calls (target < 10%)`,
  cases: (quick) => {
    const m = makeMlp();
    const x = fromNDArray(m.x);
    const ws = m.weights.map((w) => fromNDArray(w, true));
    const bs = m.biases.map((b) => fromNDArray(b, true));
    // warm both paths, then measure the overhead share once, interleaved, and name the cases with it
    for (let i = 0; i < 2; i++) (autogradStep(x, ws, bs), directStep(m));
    const { autogradMs, directMs, share } = overheadShare(m, x, ws, bs, quick ? 5 : 15);
    const pct = `${(share * 100).toFixed(1)}%`;
    console.log(`  autograd overhead: ${autogradMs.toFixed(2)} ms CPU through autograd vs ${directMs.toFixed(2)} ms CPU direct: overhead ${pct} of the total (target < 10%)`);
    const flops = LAYERS * 3 * 2 * BATCH * WIDTH * WIDTH; // forward + two backward GEMMs per layer
    const cases: BenchCase[] = [
      { name: `mlp ${LAYERS}x${WIDTH} b${BATCH} fwd+bwd autograd (overhead ${pct})`, flops, items: BATCH, unit: 'samples', run: () => autogradStep(x, ws, bs) },
      { name: `mlp ${LAYERS}x${WIDTH} b${BATCH} fwd+bwd direct kernels`, flops, items: BATCH, unit: 'samples', run: () => void directStep(m) },
    ];
    return cases;
  },
};
