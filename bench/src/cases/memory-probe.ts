// Run in a fresh process by the multicore suite: one operation at given sizes and threads, then prints the
// process's resident-memory high-water mark from the OS as JSON: VmHWM of /proc/self/status (getrusage's maxRSS
// is not used on Linux: it keeps the spawning parent's RSS across fork and exec, so a child reports at least that).
import { adderBackwardInput, adderBackwardWeight, adderForward } from '@adder/addernet';
import { conv2d, conv2dBackwardInput, conv2dBackwardWeight, Generator, randn, setNumThreads } from '@adder/tensor';
import { peakMb } from './peak-memory';

const [op, batchArg, cArg, hwArg, threadsArg] = process.argv.slice(2);
const [batch, c, hw, threads] = [batchArg, cArg, hwArg, threadsArg].map(Number) as [number, number, number, number];
setNumThreads(threads);
const gen = new Generator(1);
const x = randn([batch, c, hw, hw], { generator: gen });
const w = randn([c, c, 3, 3], { generator: gen });
const gy = randn([batch, c, hw, hw], { generator: gen });
const opts = { stride: 1, padding: 1 };
const baseline = peakMb();
switch (op) {
  case 'adder-fwd':
    adderForward(x, w, 1, 1);
    break;
  case 'adder-fwdbwd':
    adderForward(x, w, 1, 1);
    adderBackwardInput(x, w, gy, 1, 1);
    adderBackwardWeight(x, w, gy, 1, 1);
    break;
  case 'conv-fwd':
    conv2d(x, w, null, opts);
    break;
  case 'conv-fwdbwd':
    conv2d(x, w, null, opts);
    conv2dBackwardInput(gy, w, x.shape, opts);
    conv2dBackwardWeight(gy, x, w.shape, opts);
    break;
  default:
    throw new Error(`memory-probe: unknown op ${op}; expected adder-fwd, adder-fwdbwd, conv-fwd or conv-fwdbwd`);
}
console.log(JSON.stringify({ op, batch, c, hw, threads, baselineMb: baseline, peakMb: peakMb() }));
