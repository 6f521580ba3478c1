// Run by reader-limits.test.ts in a fresh process: loads each .pth file named on the command line, one after the
// other, and prints as JSON the error each gave (or its tensor count) and the peak RSS growth over the RSS before it.
// A peak reached earlier counts again, so the growth is never under-estimated.
import { loadTorchCheckpoint } from '../src/index';

const results = process.argv.slice(2).map((file) => {
  const before = process.memoryUsage().rss;
  let outcome: { error: string | null; message: string; tensors: number };
  try {
    outcome = { error: null, message: '', tensors: Object.keys(loadTorchCheckpoint(file)).length };
  } catch (e) {
    outcome = { error: (e as Error).name, message: (e as Error).message, tensors: 0 };
  }
  return { file, ...outcome, peakGrowthMb: (process.resourceUsage().maxRSS * 1024 - before) / 2 ** 20 };
});
process.stdout.write(JSON.stringify(results));
