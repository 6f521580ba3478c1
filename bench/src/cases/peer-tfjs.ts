// tfjs-backend-cpu (pure JS) as a peer for conv2d: forward, and forward plus both gradients through tf.grads.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import type { PeerFigure } from '../harness';

let ready = false;

async function ensureCpu(): Promise<void> {
  if (ready) return;
  await tf.setBackend('cpu');
  await tf.ready();
  ready = true;
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
 * tfjs-cpu conv2d (3x3, 'same', NHWC) on the same shape. Its backward is so slow (~0.02 GFLOP/s) that runs
 * time fwd+bwd on batch 2 (full runs: 8) and scale to the batch (the work is linear in the batch); the note says so.
 */
export async function tfjsConvPeer(batch: number, c: number, hw: number, pass: 'fwd' | 'fwd+bwd', quick: boolean): Promise<PeerFigure> {
  await ensureCpu();
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
  return { peer: 'tfjs-cpu', ms, note: run === batch ? 'single-threaded JS' : `timed on batch ${run}, scaled to ${batch}` };
}
