// Measures the page's training speed against Node's: the same model (the page's default, the small adder CNN),
// the same backend, the same thread count and batch size, timed per step by TrainingSession.step in both.
// A measurement, not a test: run it on an idle machine. `--steps N` (default 40), `--batch N` (default 32).
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { getBackend, getNumThreads } from '@adder/tensor';
import { chromium } from 'playwright-core';
import { createServer } from 'vite';
import { TrainingSession } from '../src/engine/session';
import { nodeSample } from '../test/node-sample';

const { values } = parseArgs({ options: { steps: { type: 'string', default: '40' }, batch: { type: 'string', default: '32' } } });
const steps = Number(values.steps);
const batch = Number(values.batch);
if (!(Number.isInteger(steps) && steps >= 10)) throw new Error(`measure-speed: --steps expects an integer >= 10, got ${values.steps}`);
if (!(Number.isInteger(batch) && batch >= 1)) throw new Error(`measure-speed: --batch expects a positive integer, got ${values.batch}`);
const WARMUP = 5;

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)]!;
}

// Node: the adder model alone (the page alternates AdderNet and its twin, each step timed on its own)
const session = new TrainingSession({ architecture: 'small', kind: 'adder', seed: 1, lr: 0.05, momentum: 0.9, eta: 0.2, batchSize: batch }, nodeSample());
const nodeSpeeds: number[] = [];
for (let i = 0; i < steps; i++) nodeSpeeds.push(session.step().imagesPerSecond);
const node = median(nodeSpeeds.slice(WARMUP));

const root = fileURLToPath(new URL('..', import.meta.url));
const server = await createServer({ root, logLevel: 'error' });
await server.listen();
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage();
await page.goto(`${server.resolvedUrls!.local[0]}?autostart=1`);
await page.fill('#batchSize', String(batch));
await page.click('#apply');
type W = { __playground: { state: { speeds: { adder: number[] } } } };
await page.waitForFunction((n) => (window as unknown as W).__playground?.state.speeds.adder.length >= n, steps + 1, { timeout: 3_600_000, polling: 1000 });
const pageSpeeds = await page.evaluate(() => (window as unknown as W).__playground.state.speeds.adder);
const status = await page.textContent('#status');
await browser.close();
await server.close();
const inPage = median(pageSpeeds.slice(WARMUP + 1, steps + 1)); // the batch-size edit applies from step 2

console.log(`model: small adder CNN, batch ${batch}, median of steps ${WARMUP + 1}..${steps}`);
console.log(`node:  ${node.toFixed(1)} images/s (backend ${getBackend()}, ${getNumThreads()} threads)`);
console.log(`page:  ${inPage.toFixed(1)} images/s (${status})`);
console.log(`page / node: ${((100 * inPage) / node).toFixed(0)}%`);
