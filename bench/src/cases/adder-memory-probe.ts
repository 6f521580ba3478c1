// Run in a fresh process by the adder2d suite: one adder2d forward+backward on (N, C, H, H), on the backend that
// ADDER_BACKEND names and the thread count of ADDER_THREADS, and the resident-memory high-water mark (VmHWM) before
// and after, so that the extra peak of the kernels shows apart from everything else the process loads. Prints JSON.
import { adderBackwardInput, adderBackwardWeight, adderForward } from '@adder/addernet';
import { Generator, getBackend, getNumThreads, randn } from '@adder/tensor';
import { peakMb } from './peak-memory';

const [batch, c, hw] = process.argv.slice(2).map(Number) as [number, number, number];
const gen = new Generator(1);
const x = randn([batch, c, hw, hw], { generator: gen });
const w = randn([c, c, 3, 3], { generator: gen });
const gy = randn([batch, c, hw, hw], { generator: gen });
const baselineMb = peakMb();
adderForward(x, w, 1, 1);
adderBackwardInput(x, w, gy, 1, 1);
adderBackwardWeight(x, w, gy, 1, 1);
// what the reference materialises: (Cout x K x L) float32 tensors, at least one per pass
const referenceTensorMb = (c * c * 9 * batch * hw * hw * 4) / 2 ** 20;
console.log(JSON.stringify({ batch, c, hw, backend: getBackend(), threads: getNumThreads(), baselineMb, peakMb: peakMb(), referenceTensorMb }));
