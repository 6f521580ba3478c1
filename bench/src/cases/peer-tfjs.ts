// TensorFlow.js as a peer: @tensorflow/tfjs-backend-wasm (SIMD WebAssembly) and @tensorflow/tfjs-backend-cpu (pure
// JS) rows for matmul and conv2d forward, and tfjs-cpu conv2d forward+backward as a figure for the multicore suite.
// Both backends share tfjs-core's one engine: each run switches to its backend first (a no-op when it is active).
// Results are disposed explicitly (PEERS.md: tf.tidy around a wasm matmul was 10-20x slower). tfjs's conv2d is
// NHWC with HWIO weights, its native layout; the work is the same.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import type { BenchCase, PeerFigure } from '../harness';

// production mode: no debug checks, and no console banner suggesting tfjs-node
tf.enableProdMode();

/** The names of these rows. */
export const TFJS_WASM = 'tfjs-wasm';
export const TFJS_CPU = 'tfjs-cpu';

let wasmLoading: Promise<string> | undefined;

/**
 * Registers the wasm backend (imported on first use, so that a missing install skips its rows) and points it at
 * the package's dist/, where the .wasm binaries are. Under Node the package's main is its CommonJS node bundle, which
 * finds them next to itself (`__dirname`) anyway; setWasmPaths keeps that true whichever bundle a resolver picks.
 * Resolves to a note naming the binary's features.
 */
function loadWasm(): Promise<string> {
  wasmLoading ??= (async () => {
    const require = createRequire(import.meta.url);
    const main = require.resolve('@tensorflow/tfjs-backend-wasm');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(`${dirname(main)}/`);
    if (!(await tf.setBackend('wasm'))) throw new Error('tfjs-backend-wasm did not initialise');
    await tf.ready();
    const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
    const threads = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
    return `${simd ? 'SIMD' : 'no SIMD'}, ${threads ? 'threaded binary' : '1 thread'}`;
  })();
  return wasmLoading;
}

/** Makes `name` the active tfjs backend (registering wasm on first use); resolves to a note about it. */
async function useBackend(name: 'wasm' | 'cpu'): Promise<string> {
  if (name === 'wasm') {
    const note = await loadWasm();
    if (tf.getBackend() !== 'wasm' && !(await tf.setBackend('wasm'))) throw new Error('tfjs-backend-wasm did not initialise');
    return note;
  }
  if (tf.getBackend() !== 'cpu') {
    await tf.setBackend('cpu');
    await tf.ready();
  }
  return 'pure JS, 1 thread';
}

/** Builds a case's tensors on its first run (the warmup), on its own backend, so that no run moves data between backends. */
function lazyTensors<T>(backend: 'wasm' | 'cpu', make: () => T): { get: () => Promise<T>; note: () => string | undefined } {
  let state: Promise<T> | undefined;
  let note: string | undefined;
  return {
    get: async () => {
      const n = await useBackend(backend); // every run: another tfjs row may have switched the engine since
      note = n;
      return (state ??= Promise.resolve(make()));
    },
    note: () => note,
  };
}

/** tf.matMul of (m, k) by (k, n), float32, on tfjs-backend-wasm or tfjs-backend-cpu. */
export function tfjsMatmulCase(name: string, backend: 'wasm' | 'cpu', m: number, k: number, n: number): BenchCase {
  const io = lazyTensors(backend, () => ({ a: tf.randomUniform([m, k], -1, 1), b: tf.randomUniform([k, n], -1, 1) }));
  return {
    name, impl: backend === 'wasm' ? TFJS_WASM : TFJS_CPU, flops: 2 * m * k * n, note: io.note,
    run: async () => {
      const { a, b } = await io.get();
      tf.matMul(a, b).dispose(); // both backends compute synchronously
    },
  };
}

/**
 * tf.conv2d (3x3, stride 1, 'same') forward, or forward and both gradients through tf.grads. tfjs-backend-wasm 4.22
 * has no Conv2DBackpropFilter kernel, so its forward+backward row shows the error as the reason it is skipped.
 */
export function tfjsConvCase(name: string, backend: 'wasm' | 'cpu', batch: number, c: number, hw: number, pass: 'fwd' | 'fwd+bwd'): BenchCase {
  const io = lazyTensors(backend, () => ({
    x: tf.randomUniform([batch, hw, hw, c], -1, 1) as tf.Tensor4D,
    w: tf.randomUniform([3, 3, c, c], -1, 1) as tf.Tensor4D,
    dy: tf.randomUniform([batch, hw, hw, c], -1, 1) as tf.Tensor4D,
  }));
  const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'));
  const fwdFlops = 2 * batch * c * hw * hw * c * 9;
  return {
    name, impl: backend === 'wasm' ? TFJS_WASM : TFJS_CPU, flops: pass === 'fwd' ? fwdFlops : 3 * fwdFlops, items: batch, unit: 'img',
    note: () => [io.note(), 'NHWC'].filter((s) => s !== undefined).join(', '),
    run: async () => {
      const { x, w, dy } = await io.get();
      if (pass === 'fwd') return void tf.conv2d(x, w, 1, 'same').dispose();
      tf.dispose(grads([x, w], dy));
    },
  };
}

/** Milliseconds of the fastest of `reps` runs after one warmup. */
function timeIt(reps: number, run: () => void): number {
  run();
  let best = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    run();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

/**
 * tfjs-cpu conv2d (3x3, 'same', NHWC) on the same shape, as a peer figure of the multicore suite. Its backward is so
 * slow (~0.02 GFLOP/s) that runs time fwd+bwd on batch 2 (full runs: 8) and scale to the batch (the work is linear in
 * the batch); the note says so.
 */
export async function tfjsConvPeer(batch: number, c: number, hw: number, pass: 'fwd' | 'fwd+bwd', quick: boolean): Promise<PeerFigure> {
  await useBackend('cpu');
  const run = pass === 'fwd' ? batch : Math.min(batch, quick ? 2 : 8);
  const x = tf.randomUniform([run, hw, hw, c]) as tf.Tensor4D;
  const w = tf.randomUniform([3, 3, c, c]) as tf.Tensor4D;
  const dy = tf.randomUniform([run, hw, hw, c]) as tf.Tensor4D;
  const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'));
  const once = pass === 'fwd'
    ? () => tf.tidy(() => void tf.conv2d(x, w, 1, 'same').dataSync())
    : () => tf.tidy(() => {
      const [dx, dw] = grads([x, w], dy);
      dx!.dataSync();
      dw!.dataSync();
    });
  const ms = timeIt(pass === 'fwd' ? 2 : 1, once) * (batch / run);
  tf.dispose([x, w, dy]);
  return { peer: TFJS_CPU, ms, note: run === batch ? 'single-threaded JS' : `timed on batch ${run}, scaled to ${batch}` };
}
