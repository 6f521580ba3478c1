// Plain node on the installed tarballs: a small net, gradcheck on a custom Function, a few training steps with the
// worker pool on 2 threads and batches assembled by the prefetch worker. Prints one JSON line of what it found.
import { defineFunction, fromNDArray, gradcheck, randn, tensor } from '@adder/autograd';
import { Linear, ReLU, SGD, Sequential, crossEntropy } from '@adder/nn';
import { adder2d } from '@adder/addernet';
import { DataLoader, loadSample } from '@adder/data';
import { Generator, addScalar, exp, log, mul, poolRunning, setNumThreads, shutdown, sigmoid } from '@adder/tensor';

// softplus(x) = log(1 + e^x); its derivative is sigmoid(x)
const softplus = defineFunction({
  name: 'consumer.softplus',
  forward(ctx, x) {
    ctx.saveForBackward(x);
    return log(addScalar(exp(x), 1));
  },
  backward(ctx, gradOut) {
    const [x] = ctx.savedTensors;
    return [mul(sigmoid(x), gradOut)];
  },
});
const x = randn([3, 4], { dtype: 'float64', requiresGrad: true, generator: new Generator(1) });
const gradcheckPassed = gradcheck((t) => softplus(t), [x]);

// one adder layer forward/backward, the README's worked example
const ax = tensor([[[[0.5, -1.0], [2.0, 0.0]]]], { requiresGrad: true });
const aw = tensor([[[[1.0]]]], { requiresGrad: true });
adder2d(ax, aw).sum().backward();
const adderGrad = ax.grad.toArray().flat(3);

// 784-256-10 MLP on the bundled sample: batch 64 x 784 x 256 is above the pool's minimum work, so the kernels
// run on the workers
setNumThreads(2);
const gen = new Generator(0);
const model = new Sequential(new Linear(784, 256, { generator: gen }), new ReLU(), new Linear(256, 10, { generator: gen }));
const optimizer = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
// 8 batches of 64 from 512 evenly spread training images (the sample is sorted by class)
const train = loadSample('train');
const picked = Array.from({ length: 512 }, (_, i) => Math.floor((i * train.length) / 512));
const loader = new DataLoader(train.subset(picked), { batchSize: 64, shuffle: true, seed: 0, prefetch: 'worker' });
const losses = [];
for await (const batch of loader.iterateAsync(0)) {
  const images = fromNDArray(batch.images).reshape([batch.images.shape[0], 784]);
  const logits = model.call(images);
  const loss = crossEntropy(logits, batch.labels);
  model.zeroGrad();
  loss.backward();
  optimizer.step();
  losses.push(loss.item());
}
const usedPool = poolRunning();
await loader.close();
await shutdown();
console.log(JSON.stringify({ gradcheckPassed, adderGrad, losses, usedPool, prefetchBatches: loader.stats.batches }));
