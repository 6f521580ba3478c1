// The page: sends the engine worker requests (start, pause, edits, ...) and draws what it reports.
import { FASHION_MNIST_CLASSES } from '@adder/data';
import { backwardOrder, evaluateExpression, parseVariables, type GraphNode } from './autograd-view/expression';
import { drawGraph, gradOf } from './autograd-view/graph-view';
import type { Reply, Request } from './engine/protocol';
import type { Hyper, SessionSpec } from './engine/session';
import { confusionTable, drawTiles } from './ui/images';
import { LineChart } from './ui/line-chart';
import { drawingPad, toFashionMnist } from './ui/sketch';

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;
const params = new URLSearchParams(location.search);
const COLORS = { adder: '#c0392b', cnn: '#2c6fbb' } as const;

const engine = new Worker(new URL('./engine/engine-worker.ts', import.meta.url), { type: 'module' });
const send = (r: Request): void => engine.postMessage(r);

const charts = $('charts');
const lossChart = new LineChart(charts, 'loss per step', 'loss');
const accChart = new LineChart(charts, 'accuracy (train batch, test sample every 10 steps)', 'accuracy');
const speedChart = new LineChart(charts, 'images/s', 'speed');
const lrChart = new LineChart(charts, 'learning rate', 'lr');
const allCharts = [lossChart, accChart, speedChart, lrChart];

/** What the browser test reads (window.__playground). */
const state = {
  ready: false,
  backend: '',
  threads: 0,
  running: false,
  steps: { adder: 0, cnn: 0 },
  losses: { adder: [] as number[], cnn: [] as number[] },
  speeds: { adder: [] as number[], cnn: [] as number[] },
  errors: [] as string[],
  loaded: '',
  probabilities: [] as number[],
  pendingFingerprint: null as null | ((r: { sha256: string; loss: number }) => void),
  pendingCheckpoint: null as null | ((b: Uint8Array) => void),
};

function numberInput(id: string): number {
  return Number(($(id) as HTMLInputElement).value);
}

function hyper(): Hyper {
  return { lr: numberInput('lr'), eta: numberInput('eta'), batchSize: Math.max(1, Math.round(numberInput('batchSize'))), momentum: numberInput('momentum') };
}

function spec(): SessionSpec {
  return { architecture: ($('architecture') as HTMLSelectElement).value as SessionSpec['architecture'], kind: 'adder', seed: Math.round(numberInput('seed')), ...hyper() };
}

function setStatus(text: string): void {
  $('status').textContent = text;
}

function reset(): void {
  for (const c of allCharts) c.clear();
  state.steps = { adder: 0, cnn: 0 };
  state.losses = { adder: [], cnn: [] };
  state.speeds = { adder: [], cnn: [] };
  $('step-count').textContent = 'step 0';
  send({ type: 'reset', spec: spec() });
}

function probabilitiesTable(p: Float32Array): void {
  state.probabilities = Array.from(p);
  $('probabilities').innerHTML = Array.from(p, (v, k) => `<tr><th>${FASHION_MNIST_CLASSES[k]}</th><td>${(100 * v).toFixed(1)}%</td><td style="text-align:left"><span class="bar" style="width:${Math.round(120 * v)}px"></span></td></tr>`).join('');
}

function onReply(m: Reply): void {
  switch (m.type) {
    case 'ready':
      state.ready = true;
      state.backend = m.backend;
      state.threads = m.threads;
      setStatus(`engine ready: backend ${m.backend}, ${m.threads} thread(s)${m.isolated ? '' : ' (not cross-origin isolated: one thread; see the README for the COOP/COEP headers)'}`);
      for (const id of ['start', 'pause', 'reset', 'apply', 'show-activations', 'classify-pad', 'download']) ($(id) as HTMLButtonElement).disabled = false;
      reset();
      if (params.get('autostart') === '1') send({ type: 'start' });
      return;
    case 'state':
      state.running = m.running;
      return;
    case 'step': {
      const { record, kind } = m;
      state.steps[kind] = record.step;
      state.losses[kind].push(record.loss);
      state.speeds[kind].push(record.imagesPerSecond);
      const label = kind === 'adder' ? 'AdderNet' : 'CNN';
      lossChart.add(label, COLORS[kind], record.step, record.loss);
      accChart.add(`${label} train`, COLORS[kind], record.step, record.trainAccuracy, true);
      speedChart.add(label, COLORS[kind], record.step, record.imagesPerSecond);
      if (kind === 'adder') {
        lrChart.add('lr', '#555', record.step, record.lr);
        $('step-count').textContent = `step ${record.step}`;
        if (m.hyperChanged) {
          const h = hyper();
          for (const c of allCharts) c.mark(record.step, `lr ${h.lr} η ${h.eta} bs ${h.batchSize} m ${h.momentum}`);
        }
      }
      return;
    }
    case 'eval':
      accChart.add(`${m.kind === 'adder' ? 'AdderNet' : 'CNN'} test`, COLORS[m.kind], m.step, m.accuracy);
      if (m.kind === 'adder') confusionTable($('confusion') as HTMLTableElement, m.confusion, FASHION_MNIST_CLASSES);
      return;
    case 'adderStats':
      $('adder-stats').innerHTML =
        `<tr><th>layer (step ${m.step})</th><th>raw ||dW||</th><th>scaled ||dW|| (eq. 13)</th><th>scale factor</th><th>dX terms clipped</th></tr>` +
        m.stats.map((s) => `<tr><th>${s.name}</th><td>${s.rawNorm.toExponential(3)}</td><td>${s.scaledNorm.toFixed(3)}</td><td>×${(s.scaledNorm / s.rawNorm).toExponential(2)}</td><td>${(100 * s.clipShare).toFixed(1)}%</td></tr>`).join('');
      return;
    case 'filters': {
      const [cout, cin, k] = m.shape as [number, number, number];
      drawTiles($('filters') as HTMLCanvasElement, m.data, cout * cin, k, k, 8);
      return;
    }
    case 'activations': {
      const box = $('activations');
      box.replaceChildren();
      for (const s of m.stages) {
        const div = document.createElement('div');
        div.className = 'stage';
        const [, c, h = 1, w = 1] = s.shape as [number, number, number?, number?];
        div.innerHTML = `<div>${s.name} [${s.shape.join('×')}]</div>`;
        const canvas = document.createElement('canvas');
        drawTiles(canvas, s.data, s.shape.length === 4 ? c : 1, s.shape.length === 4 ? h : 1, s.shape.length === 4 ? w : c, s.shape.length === 4 ? Math.max(1, Math.floor(48 / h)) : 12, 8);
        div.appendChild(canvas);
        box.appendChild(div);
      }
      probabilitiesTable(m.probabilities);
      $('image-label').textContent = `(${FASHION_MNIST_CLASSES[m.label]})`;
      return;
    }
    case 'probabilities':
      return probabilitiesTable(m.probabilities);
    case 'checkpoint': {
      if (state.pendingCheckpoint !== null) state.pendingCheckpoint(m.bytes);
      const a = document.createElement('a');
      a.href = URL.createObjectURL(new Blob([m.bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
      a.download = `addernet-step${state.steps.adder}.safetensors`;
      a.click();
      return;
    }
    case 'loaded':
      state.loaded = m.name;
      $('checkpoint-status').textContent = `loaded ${m.name}: ${m.architecture === 'resnet20' ? 'ResNet-20' : 'the small CNN'} (${m.kind}, ${m.inChannels} input channel${m.inChannels === 1 ? '' : 's'}${m.inChannels > 1 ? ': the grey images are repeated on each' : ''})`;
      return;
    case 'fingerprint':
      state.pendingFingerprint?.(m);
      return;
    case 'error':
      state.errors.push(m.message);
      setStatus(`error: ${m.message}`);
      console.warn(`engine: ${m.message}`);
      return;
  }
}

engine.addEventListener('message', (e: MessageEvent<Reply>) => onReply(e.data));
engine.addEventListener('error', (e) => {
  state.errors.push(e.message);
  setStatus(`the engine worker failed: ${e.message}`);
});

$('start').addEventListener('click', () => send({ type: 'start' }));
$('pause').addEventListener('click', () => send({ type: 'pause' }));
$('reset').addEventListener('click', reset);
$('apply').addEventListener('click', () => send({ type: 'hyper', change: hyper() }));
$('show-activations').addEventListener('click', () => send({ type: 'activations', index: Math.round(numberInput('image-index')) }));
$('download').addEventListener('click', () => send({ type: 'save' }));
$('load').addEventListener('change', async () => {
  const file = ($('load') as HTMLInputElement).files?.[0];
  if (file === undefined) return;
  send({ type: 'load', bytes: new Uint8Array(await file.arrayBuffer()), name: file.name });
});

const pad = $('pad') as HTMLCanvasElement;
const clearPad = drawingPad(pad);
$('clear-pad').addEventListener('click', clearPad);
$('classify-pad').addEventListener('click', () => send({ type: 'classify', pixels: toFashionMnist(pad) }));
$('upload').addEventListener('change', async () => {
  const file = ($('upload') as HTMLInputElement).files?.[0];
  if (file === undefined) return;
  const bitmap = await createImageBitmap(file);
  const pixels = toFashionMnist(bitmap);
  const preview = ($('preview') as HTMLCanvasElement).getContext('2d')!;
  const img = preview.createImageData(28, 28);
  pixels.forEach((v, i) => img.data.set([v, v, v, 255], 4 * i));
  const tile = document.createElement('canvas');
  tile.width = 28;
  tile.height = 28;
  tile.getContext('2d')!.putImageData(img, 0, 0);
  preview.imageSmoothingEnabled = false;
  preview.drawImage(tile, 0, 0, 84, 84);
  send({ type: 'classify', pixels });
});

// Autograd, visible: the graph of the expression; backward is revealed one node at a time, in the engine's order.
let graphNodes: GraphNode[] = [];
let order: number[] = [];
const revealed = new Set<number>();
function drawExpression(): void {
  $('expression-error').textContent = '';
  try {
    graphNodes = evaluateExpression(($('expression') as HTMLInputElement).value, parseVariables(($('variables') as HTMLInputElement).value));
    order = backwardOrder(graphNodes);
    revealed.clear();
    drawGraph($('graph') as unknown as SVGSVGElement, graphNodes, revealed);
  } catch (e) {
    $('expression-error').textContent = e instanceof Error ? e.message : String(e);
  }
}
$('draw').addEventListener('click', drawExpression);
$('step-backward').addEventListener('click', () => {
  const next = order.find((id) => !revealed.has(id));
  if (next !== undefined) revealed.add(next);
  drawGraph($('graph') as unknown as SVGSVGElement, graphNodes, revealed);
});
$('all-backward').addEventListener('click', () => {
  for (const id of order) revealed.add(id);
  drawGraph($('graph') as unknown as SVGSVGElement, graphNodes, revealed);
});
drawExpression();

Object.assign(window, {
  __playground: {
    state,
    /** SHA-256 of the weights after `steps` steps of a fresh session (the bit-identity test). */
    fingerprint: (s: SessionSpec, steps: number) =>
      new Promise<{ sha256: string; loss: number }>((resolve) => {
        state.pendingFingerprint = resolve;
        send({ type: 'fingerprint', spec: s, steps });
      }),
    /** The drawn graph's nodes with their gradients. */
    graph: () => graphNodes.map((n) => ({ label: n.label, grad: gradOf(n) })),
  },
});
