// The engine worker: the page's training runs here, off the main thread (kernels block in Atomics.wait, which a
// page's main thread may not do). It trains AdderNet and its CNN twin in turns, one step each, on the same batches.
import { getBackend, getNumThreads } from '@adder/tensor';
import { startWebPool } from '@adder/tensor/web-pool';
import type { Reply, Request } from './protocol';
import { trainedFingerprint } from './fingerprint';
import { loadWebSample } from './sample-web';
import { describeStateDict } from './models';
import { TrainingSession, readCheckpoint, type SampleArrays, type SessionSpec } from './session';

/** Test accuracy, the confusion matrix and the AdderNet panel are refreshed every this many steps. */
const EVAL_EVERY = 10;
/** Test images per evaluation (of the sample's 1,000). */
const EVAL_IMAGES = 200;

const scope = globalThis as unknown as { postMessage(m: Reply, transfer?: Transferable[]): void; addEventListener(t: 'message', l: (e: { data: Request }) => void): void };
const post = (m: Reply): void => scope.postMessage(m);

let sample: SampleArrays | null = null;
let adder: TrainingSession | null = null;
let cnn: TrainingSession | null = null;
let running = false;
let hyperChanged = false;

function report(s: TrainingSession): void {
  const { accuracy, confusion } = s.evaluate(EVAL_IMAGES);
  post({ type: 'eval', kind: s.spec.kind, step: s.steps, accuracy, confusion });
}

function loop(): void {
  if (!running || adder === null || cnn === null) return;
  try {
    for (const s of [adder, cnn]) {
      const record = s.step();
      post({ type: 'step', kind: s.spec.kind, record, hyperChanged });
      if (s.steps % EVAL_EVERY === 0) report(s);
    }
    hyperChanged = false;
    if (adder.steps % EVAL_EVERY === 0 || adder.steps === 1) {
      post({ type: 'adderStats', step: adder.steps, stats: adder.adderStats() });
      post({ type: 'filters', ...adder.firstFilters() });
    }
  } catch (e) {
    running = false;
    post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    post({ type: 'state', running });
    return;
  }
  setTimeout(loop, 0); // let pause and edits arrive between steps
}

function reset(spec: SessionSpec): void {
  running = false;
  adder = new TrainingSession({ ...spec, kind: 'adder' }, sample!);
  cnn = new TrainingSession({ ...spec, kind: 'cnn' }, sample!);
  post({ type: 'filters', ...adder.firstFilters() });
  post({ type: 'state', running });
}

async function handle(req: Request): Promise<void> {
  switch (req.type) {
    case 'reset':
      return reset(req.spec);
    case 'start':
      if (!running) {
        running = true;
        post({ type: 'state', running });
        loop();
      }
      return;
    case 'pause':
      running = false;
      return post({ type: 'state', running });
    case 'hyper':
      adder?.setHyper(req.change);
      cnn?.setHyper(req.change);
      hyperChanged = true;
      return;
    case 'activations':
      return post({ type: 'activations', index: req.index, ...adder!.activations(req.index) });
    case 'classify':
      return post({ type: 'probabilities', probabilities: adder!.classify(req.pixels) });
    case 'save':
      return post({ type: 'checkpoint', bytes: adder!.saveCheckpoint() });
    case 'load': {
      // a checkpoint of another architecture or input depth (the official CIFAR ResNet-20) replaces the AdderNet model
      const tensors = readCheckpoint(req.bytes, req.name);
      const found = describeStateDict(tensors);
      if (found === null) throw new Error(`${req.name}: expected a checkpoint of the small adder CNN or of ResNet-20 (keys stem.* or conv1, layer1..3), found keys ${Object.keys(tensors).slice(0, 4).join(', ')}, ...`);
      const s = adder!.spec;
      if (found.architecture !== s.architecture || found.inChannels !== (s.inChannels ?? 1) || found.kind !== s.kind) {
        adder = new TrainingSession({ ...s, ...adder!.current, ...found }, sample!);
      }
      adder!.module.loadStateDict(tensors);
      post({ type: 'filters', ...adder!.firstFilters() });
      return post({ type: 'loaded', name: req.name, architecture: found.architecture, kind: found.kind, inChannels: found.inChannels });
    }
    case 'fingerprint':
      return post({ type: 'fingerprint', ...(await trainedFingerprint(req.spec, sample!, req.steps)) });
  }
}

async function main(): Promise<void> {
  const threads = getNumThreads();
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  if (isolated && threads > 1) {
    await startWebPool(threads - 1, () => new Worker(new URL('./pool-worker.ts', import.meta.url), { type: 'module' }));
  }
  sample = await loadWebSample();
  let queue = Promise.resolve();
  scope.addEventListener('message', (e) => {
    queue = queue.then(() => handle(e.data)).catch((err: unknown) => post({ type: 'error', message: err instanceof Error ? err.message : String(err) }));
  });
  post({ type: 'ready', backend: getBackend(), threads: isolated ? threads : 1, isolated });
}

main().catch((err: unknown) => post({ type: 'error', message: err instanceof Error ? err.message : String(err) }));
