// Run in a fresh process by the adder2d suite: one adder2d forward+backward on (N, C, H, H) and the RSS high-water
// mark before and after, so that the extra peak of the kernels is visible apart from everything else the bench loads.
import { adderBackwardInput, adderBackwardWeight, adderForward } from '@adder/addernet';
import { Generator, randn } from '@adder/tensor';

const [batch, c, hw] = process.argv.slice(2).map(Number) as [number, number, number];
const gen = new Generator(1);
const x = randn([batch, c, hw, hw], { generator: gen });
const w = randn([c, c, 3, 3], { generator: gen });
const gy = randn([batch, c, hw, hw], { generator: gen });
const mb = (kb: number): string => `${(kb / 1024).toFixed(1)} MB`;
const before = process.resourceUsage().maxRSS;
adderForward(x, w, 1, 1);
adderBackwardInput(x, w, gy, 1, 1);
adderBackwardWeight(x, w, gy, 1, 1);
const after = process.resourceUsage().maxRSS;
// What the reference materialises: (Cout x K x L) float32 tensors, at least one per pass.
const reference = (c * c * 9 * batch * hw * hw * 4) / 1024;
console.log(
  `${batch}x${c}x${hw}x${hw} k3: peak RSS ${mb(after)} (inputs allocated: ${mb(before)}, fwd+bwd added ${mb(after - before)}; ` +
    `one Cout x K x L float32 tensor of the reference would be ${mb(reference)})`,
);
