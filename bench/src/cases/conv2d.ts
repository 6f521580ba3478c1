// conv2d forward and forward+backward (input and weight gradients) on the three ResNet-20 3x3 layer shapes, each
// followed by the peers' rows of the same work: jax-js (wasm) both passes, tfjs-wasm and tfjs-cpu the forward (and
// tfjs-wasm's forward+backward row, which says why it cannot run).
import { conv2d, conv2dBackwardInput, conv2dBackwardWeight, rand } from '@adder/tensor';
import type { BenchCase, BenchSuite } from '../harness';
import { jaxConvCase } from './peer-jax';
import { tfjsConvCase } from './peer-tfjs';

/** [channels, spatial size] of ResNet-20's three stages (CIFAR-10, 32x32 input). */
const STAGES: readonly [number, number][] = [[16, 32], [32, 16], [64, 8]];

function convCases(batch: number, c: number, hw: number): BenchCase[] {
  const x = rand([batch, c, hw, hw]);
  const w = rand([c, c, 3, 3]);
  const opts = { stride: 1, padding: 1 };
  const gy = rand([batch, c, hw, hw]);
  const fwdFlops = 2 * batch * c * hw * hw * c * 9;
  const label = `${batch}x${c}x${hw}x${hw} k3`;
  const fwd = `fwd ${label}`;
  const fwdBwd = `fwd+bwd ${label}`;
  return [
    { name: fwd, flops: fwdFlops, items: batch, unit: 'img', run: () => void conv2d(x, w, null, opts) },
    jaxConvCase(fwd, batch, c, hw, 'fwd'),
    tfjsConvCase(fwd, 'wasm', batch, c, hw, 'fwd'),
    tfjsConvCase(fwd, 'cpu', batch, c, hw, 'fwd'),
    {
      name: fwdBwd, flops: 3 * fwdFlops, items: batch, unit: 'img',
      run: () => {
        conv2d(x, w, null, opts);
        conv2dBackwardInput(gy, w, x.shape, opts);
        conv2dBackwardWeight(gy, x, w.shape, opts);
      },
    },
    jaxConvCase(fwdBwd, batch, c, hw, 'fwd+bwd'),
    tfjsConvCase(fwdBwd, 'wasm', batch, c, hw, 'fwd+bwd'),
  ];
}

export const conv2dSuite: BenchSuite = {
  name: 'conv2d',
  description: 'im2col + GEMM convolution on ResNet-20 layer shapes (3x3, padding 1), forward and forward+backward; peers jax-js wasm, tfjs-wasm, tfjs-cpu',
  cases: (quick) => STAGES.flatMap(([c, hw]) => convCases(quick ? 8 : 32, c, hw)),
};
