// The playground in a real browser: Debian's chromium, headless, driven by playwright-core (no browser download).
// One page load: no console error; 30 steps with the loss going down; every chart updated; a checkpoint round trip;
// an uploaded image classified exactly as Node classifies it; an expression's gradients equal @adder/autograd's in
// Node; and one training step whose weights hash the same in the page and in Node.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tensor } from '@adder/autograd';
import { getBackend } from '@adder/tensor';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trainedFingerprint } from '../src/engine/fingerprint';
import { TrainingSession, type SessionSpec } from '../src/engine/session';
import { nodeSample } from './node-sample';
import { bmpOfGrey } from './bmp';
import { HAS_OFFICIAL, OFFICIAL_PTH } from '../../../packages/io/test/pickle-fixtures';

const root = fileURLToPath(new URL('..', import.meta.url));
const shots = `${root}screenshots`;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let server: ViteDevServer;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];

interface PlaygroundWindow {
  __playground: {
    state: { ready: boolean; backend: string; threads: number; running: boolean; steps: { adder: number; cnn: number }; losses: { adder: number[]; cnn: number[] }; errors: string[]; loaded: string; probabilities: number[] };
    fingerprint(spec: SessionSpec, steps: number): Promise<{ sha256: string; loss: number }>;
    graph(): Array<{ label: string; grad: number[] | null }>;
  };
}

const state = () => page.evaluate(() => (window as unknown as PlaygroundWindow).__playground.state);
const mean = (a: number[]): number => a.reduce((s, v) => s + v, 0) / a.length;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`browser test: expected Debian's chromium at ${CHROMIUM} (apt-get install chromium; .ci/run does), found none`);
  mkdirSync(shots, { recursive: true });
  server = await createServer({ root, logLevel: 'error', server: { port: 5310, strictPort: false, hmr: false, watch: null } });
  await server.listen();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  page = await browser.newPage({ acceptDownloads: true, viewport: { width: 1400, height: 1000 } });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  // the dev server transforms each module on first request: slow on a loaded machine
  await page.goto(`${server.resolvedUrls!.local[0]}?autostart=1`, { timeout: 240_000, waitUntil: 'domcontentloaded' });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the playground in chromium', () => {
  it('loads cross-origin isolated, trains 30 steps with the loss going down, and updates every chart', async () => {
    await page.waitForFunction(() => (window as unknown as PlaygroundWindow).__playground?.state.steps.cnn >= 30, undefined, { timeout: 400_000, polling: 500 });
    await page.click('#pause');
    const s = await state();
    expect(s.errors).toEqual([]);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    for (const kind of ['adder', 'cnn'] as const) {
      const l = s.losses[kind];
      expect(l.length).toBeGreaterThanOrEqual(30);
      expect(mean(l.slice(-8))).toBeLessThan(mean(l.slice(0, 8)));
    }
    for (const chart of ['loss', 'accuracy', 'speed', 'lr']) {
      expect(Number(await page.getAttribute(`[data-chart=${chart}]`, 'data-points'))).toBeGreaterThan(0);
    }
    expect(await page.locator('#adder-stats tr').count()).toBeGreaterThan(1); // the header and one row per adder layer
    expect(await page.locator('#confusion td').count()).toBe(100);
    expect(await page.evaluate(() => (document.getElementById('filters') as HTMLCanvasElement).width)).toBeGreaterThan(0);
    await page.click('#show-activations');
    await page.waitForSelector('#activations .stage canvas');
    await page.screenshot({ path: `${shots}/playground.png`, fullPage: true });
    // a blank page would pass none of the above; its screenshot would also be a few kB
    expect(statSync(`${shots}/playground.png`).size).toBeGreaterThan(40_000);
    expect(consoleErrors).toEqual([]);
  }, 500_000);

  it('round-trips a checkpoint and classifies an uploaded image exactly as Node does with the same weights', async () => {
    const first = page.waitForEvent('download');
    await page.click('#download');
    const saved = `${shots}/checkpoint.safetensors`;
    await (await first).saveAs(saved);
    await page.setInputFiles('#load', saved);
    await page.waitForFunction(() => (window as unknown as PlaygroundWindow).__playground.state.loaded === 'checkpoint.safetensors');
    const second = page.waitForEvent('download');
    await page.click('#download');
    const again = `${shots}/checkpoint-again.safetensors`;
    await (await second).saveAs(again);
    expect(new Uint8Array(readFileSync(again))).toEqual(new Uint8Array(readFileSync(saved)));

    // test image 3 of the sample, as a BMP file the user uploads
    const sample = nodeSample();
    const pixels = sample.testImages.data.slice(3 * 784, 4 * 784);
    writeFileSync(`${shots}/upload.bmp`, bmpOfGrey(pixels, 28, 28));
    await page.evaluate(() => ((window as unknown as PlaygroundWindow).__playground.state.probabilities = []));
    await page.setInputFiles('#upload', `${shots}/upload.bmp`);
    await page.waitForFunction(() => (window as unknown as PlaygroundWindow).__playground.state.probabilities.length === 10);
    const inPage = (await state()).probabilities;
    const spec: SessionSpec = { architecture: 'small', kind: 'adder', seed: 1, lr: 0.05, eta: 0.2, batchSize: 32, momentum: 0.9 };
    const node = new TrainingSession(spec, sample);
    node.loadCheckpoint(new Uint8Array(readFileSync(saved)), 'checkpoint.safetensors');
    const expected = Array.from(node.classify(pixels));
    expect(inPage).toEqual(expected);
    expect(consoleErrors).toEqual([]);
  }, 120_000);

  it.skipIf(!HAS_OFFICIAL)('loads the official PyTorch ResNet-20 through the .pth reader, and computes what Node computes with it', async () => {
    await page.setInputFiles('#load', OFFICIAL_PTH);
    await page.waitForFunction(() => (window as unknown as PlaygroundWindow).__playground.state.loaded === 'ResNet20-AdderNet.pth', undefined, { timeout: 60_000 });
    expect(await page.textContent('#checkpoint-status')).toContain('ResNet-20 (adder, 3 input channels');
    await page.evaluate(() => ((window as unknown as PlaygroundWindow).__playground.state.probabilities = []));
    await page.fill('#image-index', '5');
    await page.click('#show-activations');
    await page.waitForFunction(() => (window as unknown as PlaygroundWindow).__playground.state.probabilities.length === 10, undefined, { timeout: 60_000 });
    const inPage = (await state()).probabilities;
    const node = new TrainingSession({ architecture: 'resnet20', kind: 'adder', inChannels: 3, seed: 1, lr: 0.05, eta: 0.2, batchSize: 32, momentum: 0.9 }, nodeSample());
    node.loadCheckpoint(new Uint8Array(readFileSync(OFFICIAL_PTH)), 'ResNet20-AdderNet.pth');
    expect(inPage).toEqual(Array.from(node.activations(5).probabilities));
    expect(consoleErrors).toEqual([]);
  }, 120_000);

  it("draws an expression's graph with the gradients @adder/autograd computes in Node", async () => {
    await page.fill('#variables', 'a = [1, -2, 3]; b = [2, 0.5, -1]; c = [0.5, 1, 4]');
    await page.fill('#expression', '(a * b + c).relu().sum()');
    await page.click('#draw');
    await page.click('#step-backward');
    expect(await page.locator('#graph .node.reached').count()).toBe(1);
    await page.click('#all-backward');
    const graph = await page.evaluate(() => (window as unknown as PlaygroundWindow).__playground.graph());
    expect(await page.locator('#graph .node').count()).toBe(graph.length);
    const a = tensor([1, -2, 3], { dtype: 'float64', requiresGrad: true });
    const b = tensor([2, 0.5, -1], { dtype: 'float64', requiresGrad: true });
    const c = tensor([0.5, 1, 4], { dtype: 'float64', requiresGrad: true });
    a.mul(b).add(c).relu().sum().backward();
    const grad = (label: string) => graph.find((n) => n.label === label)!.grad;
    expect(grad('a')).toEqual(Array.from(a.grad!.data.toTyped()));
    expect(grad('b')).toEqual(Array.from(b.grad!.data.toTyped()));
    expect(grad('c')).toEqual(Array.from(c.grad!.data.toTyped()));
    await page.locator('#autograd-panel').screenshot({ path: `${shots}/autograd.png` });
    expect(consoleErrors).toEqual([]);
  }, 60_000);

  it('trains one step to the same weight bytes in the page and in Node (same seed and backend)', async () => {
    expect((await state()).backend).toBe(getBackend());
    const spec: SessionSpec = { architecture: 'small', kind: 'adder', seed: 7, lr: 0.1, eta: 0.2, batchSize: 16, momentum: 0.9 };
    const { sha256, loss } = await page.evaluate((s) => (window as unknown as PlaygroundWindow).__playground.fingerprint(s, 1), spec);
    const inPage = { sha256, loss };
    const inNode = await trainedFingerprint(spec, nodeSample(), 1);
    expect(inPage).toEqual(inNode);
    expect(consoleErrors).toEqual([]);
  }, 120_000);
});
