// A strict TypeScript consumer: type-checks against the published .d.ts (tsc --noEmit, NodeNext resolution).
import { adder2d, resnet, type ResNetOptions } from '@adder/addernet';
import { defineFunction, gradcheck, tensor, type Tensor } from '@adder/autograd';
import type { FunctionCase } from '@adder/autograd/testing';
import { DataLoader, loadSample, type Batch } from '@adder/data';
import { encodeTorchCheckpoint, loadSafetensors, type SafetensorsContent } from '@adder/io';
import { Linear, SGD, Sequential, type Module } from '@adder/nn';
import { Generator, NDArray, add, exp, mul, setNumThreads, type DType } from '@adder/tensor';

const square = defineFunction({
  name: 'consumer.square',
  forward(ctx, x) {
    ctx.saveForBackward(x);
    return mul(x, x);
  },
  backward(ctx, g) {
    const [x] = ctx.savedTensors;
    return [add(mul(x!, g), mul(x!, g))]; // d(x^2)/dx = 2x
  },
});
const x: Tensor = tensor([[1, 2]], { requiresGrad: true });
const ok: boolean = gradcheck((t: Tensor) => square(t), [x]);
const y: Tensor = adder2d(tensor([[[[0.5]]]]), tensor([[[[1]]]]));
const options: ResNetOptions = { depth: 20 };
const net: Module = resnet(options);
const mlp = new Sequential(new Linear(2, 3, { generator: new Generator(0) }));
const opt = new SGD(mlp.parameters(), { lr: 0.1 });
const dtype: DType = 'float32';
const arr: NDArray = exp(NDArray.fromTyped(new Float32Array([0]), [1]));
const bytes: Uint8Array = encodeTorchCheckpoint({ w: arr });
const loader = new DataLoader(loadSample('test'), { batchSize: 8 });
const first: Batch | undefined = loader.iterate(0).next().value ?? undefined;
const content: SafetensorsContent | null = null;
const noCase: FunctionCase | null = null;
setNumThreads(1);
void [ok, y, net, opt, dtype, bytes, first, content, noCase, loadSafetensors];
