// Run by reader-limits.test.ts in a fresh process: loads an IDX pair (images, labels) and prints as JSON the error it
// gave and the peak RSS growth over the RSS before the load.
import { loadIdxPair } from '../src/index';

const [images, labels] = process.argv.slice(2) as [string, string];
const before = process.memoryUsage().rss;
let error: string | null = null;
let message = '';
try {
  loadIdxPair(images, labels);
} catch (e) {
  error = (e as Error).name;
  message = (e as Error).message;
}
process.stdout.write(JSON.stringify({ error, message, peakGrowthMb: (process.resourceUsage().maxRSS * 1024 - before) / 2 ** 20 }));
