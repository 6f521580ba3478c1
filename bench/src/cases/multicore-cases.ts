// The cases of the multicore suite: one builder per operation, each at a given batch and thread count.
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tensor, noGrad } from '@adder/autograd';
import { adderBackwardInput, adderBackwardWeight, adderForward, resnet, resnet50, type NetworkKind } from '@adder/addernet';
import { SGD, crossEntropy } from '@adder/nn';
import { Generator, conv2d, conv2dBackwardInput, conv2dBackwardWeight, getBackend, matmul, randint, randn, runChunks, setNumThreads, type NDArray } from '@adder/tensor';
import type { BenchCase, PeerFigure } from '../harness';
import { torchLayerPeer } from './peer-torch';
import { noopKernel } from './noop-kernel';
import { tfjsConvPeer } from './peer-tfjs';

/** All available cores. */
export const ALL = availableParallelism();
const PROBE = join(dirname(fileURLToPath(import.meta.url)), 'memory-probe.ts');

/** What the builders need to know about the run. */
export interface Plan {
  quick: boolean;
  /** Batches of the adder cases (the reference's shapes), of conv2d, and of the ResNet-20 step and eval. */
  adderBatches: number[];
  convBatches: number[];
  modelBatches: number[];
  threads: number[];
}

/** Timing of cases that take seconds per run: one warmup, two or three timed runs. */
const SLOW: BenchCase['measure'] = { warmup: 1, minReps: 2, maxReps: 3, minTimeMs: 0 };
/** Timing of cases that take tens of seconds and follow a smaller case of the same code (already compiled). */
const VERY_SLOW: BenchCase['measure'] = { warmup: 0, minReps: 2, maxReps: 2, minTimeMs: 0 };

/** Builds a value on first use and keeps it, so that models are made only for the cases that run. */
function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

/** Peak RSS (MB, VmHWM) of a fresh process running one operation on the active backend. */
function probe(op: string, batch: number, c: number, hw: number, threads: number): number | string {
  const env = { ...process.env, ADDER_BACKEND: getBackend() };
  const r = spawnSync(process.execPath, [...process.execArgv, PROBE, op, String(batch), String(c), String(hw), String(threads)], { encoding: 'utf8', env });
  if (r.status !== 0) return `probe failed: ${r.stderr.trim().split('\n').pop() ?? ''}`;
  return (JSON.parse(r.stdout.trim().split('\n').pop()!) as { peakMb: number }).peakMb;
}

/** Sets the thread count before each run (a no-op when unchanged; a change restarts the pool during warmup). */
function withThreads(threads: number, run: () => void): () => void {
  return () => {
    setNumThreads(threads);
    run();
  };
}

type LayerInputs = { x: NDArray; w: NDArray; gy: NDArray };
const inputs = new Map<string, () => LayerInputs>();

/** Input, weight and output gradient of one layer shape, made on first use and shared by its cases. */
function layerInputs(batch: number, c: number, hw: number): () => LayerInputs {
  const key = `${batch}/${c}/${hw}`;
  let get = inputs.get(key);
  if (!get) {
    get = lazy(() => {
      const gen = new Generator(c);
      return { x: randn([batch, c, hw, hw], { generator: gen }), w: randn([c, c, 3, 3], { generator: gen }), gy: randn([batch, c, hw, hw], { generator: gen }) };
    });
    inputs.set(key, get);
  }
  return get;
}

/**
 * How many repeats the reference's layers get for this batch and thread count (null: not run). Quick: batch 32 on all
 * cores, once. Full: batch 32 on 1 thread and all cores, 3 repeats; batch 128 on all cores, once. Its ResNet-20
 * training step is a row of the resnet suite.
 */
function torchRepeats(p: Plan, batch: number, threads: number): number | null {
  if (p.quick) return batch === 32 && threads === ALL ? 1 : null;
  if (batch === 32) return 3;
  return threads === ALL ? 1 : null;
}

/** adder2d forward and forward+backward on one ResNet-20 layer shape (3x3, stride 1, padding 1). */
export function adderCases(p: Plan, batch: number, c: number, hw: number, layer: string, threads: number): BenchCase[] {
  const io = layerInputs(batch, c, hw);
  const gops = (batch * c * hw * hw * c * 9) / 1e9;
  const label = `${batch}x${c}x${hw}x${hw} t${threads}`;
  // the reference at the same thread count and batch (a quick run: batch 32 on all cores only)
  const torch = (pass: 'fwd' | 'fwd+bwd') => (): PeerFigure[] => {
    const repeats = torchRepeats(p, batch, threads);
    return repeats === null ? [] : [torchLayerPeer(batch, threads, repeats, 0, layer, pass)];
  };
  const memory = (op: string) => (): number | string => (p.quick && op === 'adder-fwd' ? 'full run' : probe(op, batch, c, hw, threads));
  return [
    {
      name: `adder fwd ${label}`, items: gops, unit: 'G adder-op', peers: torch('fwd'), peakRss: threads === ALL ? memory('adder-fwd') : undefined,
      run: withThreads(threads, () => void adderForward(io().x, io().w, 1, 1)),
    },
    {
      name: `adder fwd+bwd ${label}`, items: 3 * gops, unit: 'G adder-op', peers: torch('fwd+bwd'), peakRss: threads === ALL ? memory('adder-fwdbwd') : undefined,
      run: withThreads(threads, () => {
        const { x, w, gy } = io();
        adderForward(x, w, 1, 1);
        adderBackwardInput(x, w, gy, 1, 1);
        adderBackwardWeight(x, w, gy, 1, 1);
      }),
    },
  ];
}

/** conv2d forward and forward+backward on the same shapes, with tfjs-cpu as the peer. */
export function convCases(p: Plan, batch: number, c: number, hw: number, threads: number): BenchCase[] {
  const io = layerInputs(batch, c, hw);
  const opts = { stride: 1, padding: 1 };
  const flops = 2 * batch * c * hw * hw * c * 9;
  const label = `${batch}x${c}x${hw}x${hw} t${threads}`;
  const tfjs = (pass: 'fwd' | 'fwd+bwd') => async (): Promise<PeerFigure[]> =>
    batch === p.convBatches[0] && threads === ALL ? [await tfjsConvPeer(batch, c, hw, pass, p.quick)] : [];
  const memory = (op: string) => (): number | string => (p.quick ? 'full run' : probe(op, batch, c, hw, threads));
  return [
    {
      name: `conv2d fwd ${label}`, flops, peers: tfjs('fwd'), peakRss: threads === ALL ? memory('conv-fwd') : undefined,
      run: withThreads(threads, () => void conv2d(io().x, io().w, null, opts)),
    },
    {
      name: `conv2d fwd+bwd ${label}`, flops: 3 * flops, peers: tfjs('fwd+bwd'), peakRss: threads === ALL ? memory('conv-fwdbwd') : undefined,
      run: withThreads(threads, () => {
        const { x, w, gy } = io();
        conv2d(x, w, null, opts);
        conv2dBackwardInput(gy, w, x.shape, opts);
        conv2dBackwardWeight(gy, x, w.shape, opts);
      }),
    },
  ];
}

/** A square float32 matmul. */
export function matmulCase(n: number, threads: number): BenchCase {
  const ab = lazy(() => {
    const gen = new Generator(3);
    return [randn([n, n], { generator: gen }), randn([n, n], { generator: gen })] as const;
  });
  return { name: `matmul ${n}x${n}x${n} t${threads}`, flops: 2 * n * n * n, run: withThreads(threads, () => void matmul(ab()[0], ab()[1])) };
}

/**
 * One ResNet-20 training step (forward, cross-entropy, backward, SGD with momentum 0.9 and weight decay 5e-4) on a
 * fixed random batch; the model, optimiser and batch are built on the first call.
 */
export function resnetTrainStep(kind: NetworkKind, batch: number): () => void {
  const state = lazy(() => {
    const gen = new Generator(7);
    const model = resnet({ depth: 20, kind, generator: gen });
    model.train();
    const opt = new SGD([...model.parameters()], { lr: 0.1, momentum: 0.9, weightDecay: 5e-4 });
    const x = new Tensor(randn([batch, 3, 32, 32], { generator: gen }));
    return { model, opt, x, target: randint(0, 10, [batch], { generator: gen, dtype: 'int32' }) };
  });
  return () => {
    const { model, opt, x, target } = state();
    opt.zeroGrad();
    crossEntropy(model.call(x), target).backward();
    opt.step();
  };
}

/** The training step as a case at a given thread count. */
export function trainCase(kind: NetworkKind, batch: number, threads: number): BenchCase {
  return {
    name: `resnet20-${kind} train step b${batch} t${threads}`, items: batch, unit: 'img', measure: batch > 32 ? VERY_SLOW : SLOW,
    run: withThreads(threads, resnetTrainStep(kind, batch)),
  };
}

/** ResNet-20 inference (eval mode, no graph). */
export function evalCase(kind: NetworkKind, batch: number, threads: number): BenchCase {
  const state = lazy(() => {
    const gen = new Generator(8);
    const model = resnet({ depth: 20, kind, generator: gen });
    model.eval();
    return { model, x: new Tensor(randn([batch, 3, 32, 32], { generator: gen })) };
  });
  return {
    name: `resnet20-${kind} eval b${batch} t${threads}`, items: batch, unit: 'img', measure: SLOW,
    run: withThreads(threads, () => {
      const { model, x } = state();
      noGrad(() => model.call(x));
    }),
  };
}

/** One ResNet-50 (AdderNet, 25.6M parameters) shared by its cases. */
const resnet50Model = lazy(() => {
  const model = resnet50({ kind: 'adder', generator: new Generator(9) });
  model.eval();
  return model;
});

/** ResNet-50 AdderNet forward on 224x224 images. */
export function resnet50Case(batch: number, threads: number): BenchCase {
  const x = lazy(() => new Tensor(randn([batch, 3, 224, 224], { generator: new Generator(10) })));
  return {
    name: `resnet50-adder fwd 224 b${batch} t${threads}`, items: batch, unit: 'img',
    measure: batch > 1 ? { warmup: 0, minReps: 1, maxReps: 1, minTimeMs: 0 } : SLOW,
    run: withThreads(threads, () => {
      const input = x();
      noGrad(() => resnet50Model().call(input));
    }),
  };
}

/** 100 dispatches of an empty job (one chunk per thread) to the pool: the fixed cost behind the small-job threshold. */
export function dispatchCase(threads: number): BenchCase {
  return {
    name: `pool dispatch, empty job x100 t${threads}`, items: 100, unit: 'dispatch',
    run: withThreads(threads, () => {
      for (let i = 0; i < 100; i++) runChunks(noopKernel, threads, {});
    }),
  };
}
