// Multi-core determinism: the adder kernels and a whole ResNet-20 AdderNet training step give the same bits with
// 1, 2 and 3 threads (the chunks depend only on the shapes), and the chunked kernels still match the oracle.
import { afterAll, describe, expect, it } from 'vitest';
import { Tensor } from '@adder/autograd';
import { SGD, crossEntropy } from '@adder/nn';
import { Generator, poolRunning, randint, randn, setNumThreads, shutdown, type NDArray } from '@adder/tensor';
import { adderBackwardInput, adderBackwardWeight, adderForward, resnet } from '../src/index';
import { oracleBackward, oracleForward } from './adderOracle';
import { dense, expectClose, normal } from './helpers';

const THREADS = [1, 2, 3];

function bits(a: NDArray): number[] {
  const d = a.contiguous().data;
  return [...new Uint8Array(d.buffer, d.byteOffset, d.byteLength)];
}

afterAll(async () => {
  await shutdown();
});

describe('adder kernels on 1, 2 and 3 threads', () => {
  // large enough that forward, dX and dW split into several chunks; Cout not a multiple of the 4-channel tile
  const cases = [
    { x: [4, 16, 32, 32], w: [16, 16, 3, 3], stride: 1, padding: 1 },
    { x: [4, 12, 40, 40], w: [10, 12, 3, 3], stride: 2, padding: 1 },
  ];
  for (const c of cases) {
    it(`forward, dX and dW are bit-identical and match the float64 oracle (x ${c.x.join('x')}, w ${c.w.join('x')}, stride ${c.stride})`, () => {
      for (const dtype of ['float32', 'float64'] as const) {
        const x = normal(c.x, 1, dtype);
        const w = normal(c.w, 2, dtype);
        const y0 = adderForward(x, w, c.stride, c.padding);
        const g = normal([...y0.shape], 3, dtype);
        const results = THREADS.map((t) => {
          setNumThreads(t);
          const r = [adderForward(x, w, c.stride, c.padding), adderBackwardInput(x, w, g, c.stride, c.padding), adderBackwardWeight(x, w, g, c.stride, c.padding)];
          expect(poolRunning()).toBe(t > 1);
          return r;
        });
        for (let k = 0; k < 3; k++) {
          expect(bits(results[1]![k]!)).toEqual(bits(results[0]![k]!));
          expect(bits(results[2]![k]!)).toEqual(bits(results[0]![k]!));
        }
        if (dtype === 'float64') {
          const [y, dx, dw] = results[1]!;
          expectClose(y!, oracleForward(dense(x), dense(w), c.stride, c.padding), 1e-12, 1e-12);
          const back = oracleBackward(dense(x), dense(w), dense(g), c.stride, c.padding, 0.2);
          expectClose(dx!, back.gradX, 1e-12, 1e-12);
          expectClose(dw!, back.gradW, 1e-10, 1e-12);
        }
      }
    });
  }
});

describe('ResNet-20 AdderNet training step on 1, 2 and 3 threads', () => {
  it('gives the same loss, gradients and updated parameters, bit for bit', () => {
    const gen = new Generator(21);
    const images = randn([2, 3, 32, 32], { generator: gen });
    const labels = randint(0, 10, [2], { generator: gen, dtype: 'int32' });
    const runs = THREADS.map((t) => {
      setNumThreads(t);
      const model = resnet({ depth: 20, kind: 'adder', generator: new Generator(5) });
      model.train();
      const params = [...model.parameters()];
      const opt = new SGD(params, { lr: 0.1, momentum: 0.9, weightDecay: 5e-4 });
      const loss = crossEntropy(model.call(new Tensor(images)), labels);
      loss.backward();
      const grads = params.map((p) => bits(p.grad!.data));
      opt.step();
      expect(poolRunning()).toBe(t > 1);
      return { loss: bits(loss.data), grads, params: params.map((p) => bits(p.data)) };
    });
    for (const r of runs.slice(1)) {
      expect(r.loss).toEqual(runs[0]!.loss);
      expect(r.grads.length).toBe(runs[0]!.grads.length);
      r.grads.forEach((g, i) => expect(g, `gradient of parameter ${i}`).toEqual(runs[0]!.grads[i]));
      r.params.forEach((p, i) => expect(p, `parameter ${i} after the step`).toEqual(runs[0]!.params[i]));
    }
  });
});
