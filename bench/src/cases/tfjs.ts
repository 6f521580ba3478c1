// Reference figures from TensorFlow.js's pure-JS CPU backend on the same shapes as the matmul and conv2d suites.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { BenchCase, BenchSuite } from '../harness';

function matmulCase(m: number, k: number, n: number): BenchCase {
  const a = tf.randomUniform([m, k]);
  const b = tf.randomUniform([k, n]);
  return { name: `matmul ${m}x${k}x${n} f32`, flops: 2 * m * k * n, run: () => tf.tidy(() => void tf.matMul(a, b).dataSync()) };
}

function convCase(batch: number, c: number, hw: number): BenchCase {
  const x = tf.randomUniform([batch, hw, hw, c]) as tf.Tensor4D;
  const w = tf.randomUniform([3, 3, c, c]) as tf.Tensor4D;
  return {
    name: `conv2d fwd ${batch}x${c}x${hw}x${hw} k3`, flops: 2 * batch * c * hw * hw * c * 9, items: batch, unit: 'img',
    run: () => tf.tidy(() => void tf.conv2d(x, w, 1, 'same').dataSync()),
  };
}

export const tfjsSuite: BenchSuite = {
  name: 'tfjs',
  description: 'reference: @tensorflow/tfjs-backend-cpu (pure JS) matmul and conv2d on the same shapes',
  cases: async (quick) => {
    await tf.setBackend('cpu');
    await tf.ready();
    const batch = quick ? 8 : 32;
    return [
      matmulCase(256, 256, 256),
      matmulCase(512, 512, 512),
      convCase(batch, 16, 32),
      convCase(batch, 32, 16),
      convCase(batch, 64, 8),
    ];
  },
};
