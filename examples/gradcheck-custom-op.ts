// Example: define your own differentiable Function (softplus), then check its backward with gradcheck.
// Run: pnpm example gradcheck-custom-op
import { GradcheckError, defineFunction, gradcheck, randn, type Tensor } from '@adder/autograd';
import { Generator, addScalar, exp, log, mul, sigmoid } from '@adder/tensor';
import type { ExampleOptions } from './options';

// forward and backward compute on NDArrays; the engine records the graph and calls backward for you.
/** softplus(x) = log(1 + e^x). Its derivative is the logistic sigmoid, so backward is sigmoid(x) * gradOut. */
export const softplus = defineFunction({
  name: 'example.softplus',
  forward(ctx, x) {
    ctx.saveForBackward(x); // what backward needs; writing to x in place afterwards makes backward throw
    return log(addScalar(exp(x), 1));
  },
  backward(ctx, gradOut) {
    const [x] = ctx.savedTensors;
    return [mul(sigmoid(x!), gradOut)]; // one gradient per tensor input (chain rule: local derivative * gradOut)
  },
});

/** The same op with a classic mistake: backward forgets to multiply by gradOut. */
export const brokenSoftplus = defineFunction({
  name: 'example.softplus-broken',
  forward(ctx, x) {
    ctx.saveForBackward(x);
    return log(addScalar(exp(x), 1));
  },
  backward(ctx) {
    const [x] = ctx.savedTensors;
    return [sigmoid(x!)];
  },
});

/** What the example found: whether each gradcheck passed, and the report of the failing one. */
export interface GradcheckExampleResult {
  correctPassed: boolean;
  brokenPassed: boolean;
  brokenReport: string;
}

/** Gradchecks softplus (passes) and the broken variant (fails, with the worst Jacobian entry named). */
export async function main({ smoke, log: print }: ExampleOptions): Promise<GradcheckExampleResult> {
  const shape = smoke ? [2, 3] : [4, 5];
  const x = randn(shape, { dtype: 'float64', requiresGrad: true, generator: new Generator(0) });

  // Use it like any op: it builds a graph node, and backward() reaches it.
  const y = softplus(x).sum();
  y.backward();
  print(`softplus(x).sum() = ${y.item().toFixed(6)}; x.grad = sigmoid(x) (first row: ${(x.grad!.toArray() as number[][])[0]!.map((v) => v.toFixed(4)).join(', ')})`);

  // gradcheck compares the analytic Jacobian (one backward per output element) with central differences, in float64.
  const correctPassed = gradcheck((t: Tensor) => softplus(t), [x]);
  print(`gradcheck(softplus): ${correctPassed ? 'passed' : 'FAILED'}`);

  let brokenReport = '';
  let brokenPassed = true;
  try {
    brokenPassed = gradcheck((t: Tensor) => brokenSoftplus(t), [x]);
  } catch (err) {
    if (!(err instanceof GradcheckError)) throw err;
    brokenPassed = false;
    brokenReport = err.message;
  }
  print(`gradcheck(broken softplus): ${brokenPassed ? 'passed (unexpected!)' : 'failed, as it should:'}`);
  if (brokenReport !== '') print(`  ${brokenReport}`);
  return { correctPassed, brokenPassed, brokenReport };
}
