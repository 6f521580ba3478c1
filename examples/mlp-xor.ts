// Example: the whole training loop on XOR: data, model, loss, backward, optimiser step, evaluation.
// Run: pnpm example mlp-xor
import { noGrad, tensor } from '@adder/autograd';
import { Linear, ReLU, SGD, Sequential, crossEntropy, topkAccuracy } from '@adder/nn';
import { Generator } from '@adder/tensor';
import type { ExampleOptions } from './options';

/** The loss before and after training, and the final accuracy on the four XOR points. */
export interface XorResult {
  firstLoss: number;
  lastLoss: number;
  accuracy: number;
}

/** Trains a 2-16-2 ReLU MLP on XOR with SGD and cross-entropy. */
export async function main({ smoke, log }: ExampleOptions): Promise<XorResult> {
  const inputs = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]); // float32, 4 x 2
  const labels = [0, 1, 1, 0]; // class indices: x0 XOR x1
  const gen = new Generator(0); // seeded init: the same run every time
  const model = new Sequential(new Linear(2, 16, { generator: gen }), new ReLU(), new Linear(16, 2, { generator: gen }));
  const optimizer = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
  const steps = smoke ? 150 : 300;
  let firstLoss = NaN;
  let lastLoss = NaN;
  for (let step = 1; step <= steps; step++) {
    const logits = model.call(inputs); // forward: records the graph
    const loss = crossEntropy(logits, labels);
    model.zeroGrad(); // gradients accumulate (+=), so clear them first
    loss.backward(); // reverse topological order through the graph
    optimizer.step(); // p -= lr * (momentum buffer)
    lastLoss = loss.item();
    if (step === 1) firstLoss = lastLoss;
    if (step === 1 || step % 50 === 0) log(`step ${String(step).padStart(3)}  loss ${lastLoss.toFixed(4)}`);
  }
  const logits = noGrad(() => model.call(inputs)); // evaluation records nothing
  const accuracy = topkAccuracy(logits, labels);
  const probs = logits.softmax(1).toArray() as number[][];
  for (let i = 0; i < 4; i++) {
    const [a, b] = (inputs.toArray() as number[][])[i]!;
    log(`${a} XOR ${b} = ${labels[i]}   p(1) = ${probs[i]![1]!.toFixed(3)}`);
  }
  log(`accuracy ${(accuracy * 100).toFixed(0)}%`);
  return { firstLoss, lastLoss, accuracy };
}
