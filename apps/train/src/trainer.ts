// The training loop: epochs of SGD steps with live progress, evaluation, checkpoints, exact resume,
// graceful SIGINT/SIGTERM and a stop on a non-finite loss.
import fs from 'node:fs';
import path from 'node:path';
import { countOps, formatCount } from '@adder/addernet';
import { fromNDArray, noGrad, type Tensor } from '@adder/autograd';
import { DataLoader } from '@adder/data';
import { SGD, crossEntropy, distillationLoss, type Module } from '@adder/nn';
import { argmax, backendNotice, manualSeed, setBackend, setNumThreads } from '@adder/tensor';
import { UsageError } from './cli/flags';
import { CliError } from './cli/errors';
import { checkWritableFolder } from './cli/output-paths';
import { checkRunState, checkSavedConfig } from './run-state-schema';
import { recalibrateBatchNormFromLoader } from './bn-recalibration';
import { loadCheckpoint, saveCheckpoint, type RunState } from './checkpoint';
import { type TrainConfig, lrSchedule } from './config';
import { firstN, loadData } from './datasets';
import { evaluate } from './eval/evaluate';
import { buildModel, inferModelSpec } from './models';
import { readCheckpointWeights } from './eval/weights';
import { trainStep } from './train-step';
import { epochProgress } from './progress';
import { type MetricLine, RUN_FILES, RunFolder } from './run-folder';
import { terminalChart } from './terminal-chart';

/** How the loop talks to the outside world (tests pass their own). */
export interface TrainIO {
  log(line: string): void;
  stdout: NodeJS.WriteStream;
  /** Called once per step; return true to stop after this step as SIGINT would (tests use it). */
  shouldStop?: (step: number) => boolean;
  /** Install SIGINT/SIGTERM handlers (default true). */
  handleSignals?: boolean;
}

/** Why a run ended. */
export type TrainOutcome = { status: 'done'; dir: string; bestAcc: number; lastAcc: number | null } | { status: 'interrupted'; dir: string; signal: 'SIGINT' | 'SIGTERM' | 'stop'; resumeCommand: string };

/** A non-finite loss: the run stops, and the last good checkpoint (if one was written) is left untouched. */
export class NonFiniteLossError extends CliError {
  constructor(epoch: number, step: number, lr: number, loss: number, lastGood: string | null) {
    const kept = lastGood === null ? 'no checkpoint was written yet, so nothing was saved' : `the last good checkpoint ${lastGood} is untouched`;
    super('diverged', `train: the loss became ${loss} at epoch ${epoch}, step ${step} (lr ${lr}). The run stopped; ${kept}. Try a lower --lr or more --warmup-epochs.`);
    this.name = 'NonFiniteLossError';
  }
}

/** Options of runTraining that are not part of the run's config. */
export interface RunOptions {
  /** --force: start over in an existing run folder */
  force?: boolean;
  /** the flags given on the command line (with --resume, any but --epochs/--threads/--backend must agree with the saved run) */
  givenFlags?: readonly string[];
}

/** Flags that --resume lets change; any other flag given must match the saved run's value. */
const RESUME_MAY_CHANGE = new Set(['resume', 'epochs', 'threads', 'backend']);

/** The TrainConfig field a flag sets. */
const fieldOfFlag = (flag: string): keyof TrainConfig => (flag === 'bn-recalib' ? 'bnRecalibBatches' : (flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()) as keyof TrainConfig));

/** Lets pending signal handlers run: two turns of the event loop, so that a poll phase (where libuv reads signals) passes between. */
async function yieldToSignals(): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Saves a checkpoint and returns how long it took in ms. */
function timedSave(...args: Parameters<typeof saveCheckpoint>): number {
  const t0 = performance.now();
  saveCheckpoint(...args);
  return performance.now() - t0;
}

/** Progress within an interrupted epoch, kept so that a resumed run is bit-identical. */
interface EpochAccumulators {
  lossSum: number;
  correct: number;
  seen: number;
  loadMs: number;
  startedAt: number;
}

const STEP_LINE_EVERY = 25;

/** The teacher of --teacher: its architecture inferred from the checkpoint, in eval mode, never trained. */
function loadTeacher(file: string, numClasses: number, inChannels: number): Module {
  const weights = readCheckpointWeights(file);
  const spec = inferModelSpec(weights.tensors);
  if (spec.numClasses !== numClasses || spec.inChannels !== inChannels) {
    throw new UsageError(`train: --teacher ${file} has ${spec.numClasses} classes and ${spec.inChannels} input channel(s); the data has ${numClasses} and ${inChannels}`);
  }
  const model = buildModel(spec);
  model.loadStateDict(weights.tensors);
  model.eval();
  return model;
}

/** runs/<date>-<model>[-cnn]-<dataset>/ under cwd. */
export function defaultRunDir(config: TrainConfig, cwd: string): string {
  const stamp = new Date().toISOString().replace(/[:T]/g, '-').replace(/\..*$/, '');
  return path.resolve(cwd, 'runs', `${stamp}-${config.model}${config.kind === 'cnn' ? '-cnn' : ''}-${config.dataset}`);
}

/** Runs (or resumes) a training run to completion or interruption. */
export async function runTraining(configIn: TrainConfig, io: TrainIO, cwd: string, opts: RunOptions = {}): Promise<TrainOutcome> {
  setNumThreads(configIn.threads); // --threads: the kernels' worker pool (1 = no pool)
  setBackend(configIn.backend); // --backend: js or simd kernels
  let config = configIn;
  let resumeFrom: ReturnType<typeof loadCheckpoint> | null = null;
  let dir: string;
  if (config.resume) {
    const file = fs.existsSync(config.resume) && fs.statSync(config.resume).isDirectory() ? path.join(config.resume, 'last.safetensors') : config.resume;
    if (!fs.existsSync(file)) throw new CliError('file', `train: --resume: no checkpoint at ${file}`);
    resumeFrom = loadCheckpoint(file);
    if (!resumeFrom.state || !resumeFrom.optim) throw new CliError('file', `train: --resume: ${file} is not a training checkpoint (no run state); use it with eval instead`);
    // the saved run state is schema-checked before anything trusts it: the checkpoint metadata, config.json and metrics.jsonl
    const savedState = checkRunState(file, resumeFrom.state);
    resumeFrom = { ...resumeFrom, state: savedState };
    dir = path.dirname(file);
    const configJson = path.join(dir, 'config.json');
    if (fs.existsSync(configJson)) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(fs.readFileSync(configJson, 'utf8')) as unknown;
      } catch (e) {
        throw new CliError('format', `train: --resume: ${configJson} is not valid JSON (${(e as Error).message})`);
      }
      checkSavedConfig(configJson, parsed);
    }
    new RunFolder(dir).readMetrics(); // a damaged line other than a torn last one is refused now, not after the data loaded
    const saved = savedState.config;
    // the run continues with its own config; only the epoch budget, the threads and the backend may change
    const conflicts = (opts.givenFlags ?? [])
      .filter((f) => !RESUME_MAY_CHANGE.has(f))
      .filter((f) => JSON.stringify(configIn[fieldOfFlag(f)]) !== JSON.stringify(saved[fieldOfFlag(f)]));
    if (conflicts.length > 0) {
      const list = conflicts.map((f) => `--${f} (saved: ${JSON.stringify(saved[fieldOfFlag(f)])})`).join(', ');
      throw new UsageError(`train: --resume continues the saved run with its own config; these flags disagree with it: ${list}. Only --epochs, --threads and --backend may change.`);
    }
    config = { ...saved, resume: config.resume, epochs: configIn.epochs > saved.epochs ? configIn.epochs : saved.epochs, threads: configIn.threads, backend: configIn.backend };
  } else {
    dir = config.out ?? defaultRunDir(config, cwd);
    // nothing the user did not ask to overwrite: an existing folder needs --force (or --resume to continue it)
    checkWritableFolder('train', '--out', dir);
    if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0 && !opts.force) {
      const ours = RUN_FILES.filter((f) => fs.existsSync(path.join(dir, f)));
      throw new CliError(
        'file',
        ours.length > 0
          ? `train: --out ${dir} is an existing run folder (${ours.join(', ')}); pass --resume ${dir} to continue it, or --force to start over in it`
          : `train: --out ${dir} is a folder that is not empty; choose a new folder, or pass --force to write the run files into it`,
      );
    }
  }
  manualSeed(config.seed);

  // ---- data ----
  const data = await loadData(config.dataset, { dataDir: config.dataDir, download: config.download, seed: config.seed, cwd, augment: config.augment, allowPartialCifar: config.allowPartialCifar ?? false });
  const trainSet = firstN(data.train, config.subset);
  const testSet = firstN(data.test, config.evalSubset);
  if (trainSet.length === 0) throw new CliError('format', `train: the training split of --dataset ${config.dataset} has 0 images; there is nothing to train on`);
  if (testSet.length === 0) throw new CliError('format', `train: the test split of --dataset ${config.dataset} has 0 images; there is nothing to evaluate on`);
  // the run folder is created only now that the data has loaded, so a failed load leaves no empty folder behind
  const run = new RunFolder(dir);
  const orphans = run.removeOrphanTemporaries();
  if (orphans.length > 0) io.log(`Removed ${orphans.length} temporary file(s) left by a killed run: ${orphans.join(', ')}`);
  const trainLoader = new DataLoader(trainSet, { batchSize: config.batchSize, shuffle: true, dropLast: false, seed: config.seed, transform: data.trainTransform });
  const recalibLoader = new DataLoader(trainSet, { batchSize: config.batchSize, shuffle: true, seed: config.seed + 1, transform: data.testTransform });
  const testLoader = new DataLoader(testSet, { batchSize: Math.max(100, config.batchSize), shuffle: false, transform: data.testTransform });

  // ---- model and optimiser ----
  const model = buildModel({ model: config.model, kind: config.kind, numClasses: data.numClasses, inChannels: data.inChannels, eta: config.eta });
  const optimizer = new SGD(model.parameters(), { lr: config.lr, momentum: config.momentum, weightDecay: config.weightDecay, nesterov: config.nesterov, dampening: 0 });
  let state: RunState & { inEpoch?: { epoch: number; batch: number; acc: EpochAccumulators } } = {
    epoch: 0,
    step: 0,
    bestAcc: -1,
    config,
    schedule: { name: config.schedule, lastEpoch: 0 },
    rng: null,
  };
  let metrics: MetricLine[] = [];
  if (resumeFrom) {
    model.loadStateDict(resumeFrom.model);
    optimizer.loadStateDict(resumeFrom.optim!);
    state = { ...(resumeFrom.state as typeof state), config };
    const inEpoch = state.inEpoch;
    metrics = run.truncateMetrics(state.step, inEpoch ? inEpoch.epoch : state.epoch + 1);
    io.log(`Resuming ${dir} at epoch ${inEpoch ? inEpoch.epoch : state.epoch + 1}, step ${state.step}.`);
  } else {
    run.clearRunFiles(); // only with --force can the folder hold run files here
  }
  run.writeConfig(config);

  // ---- the teacher (distillation) ----
  const teacher = config.teacher === null ? null : loadTeacher(config.teacher, data.numClasses, data.inChannels);

  // ---- signals (installed before the banner: a Ctrl-C as soon as it shows stops at the end of step 1) ----
  let stopSignal: 'SIGINT' | 'SIGTERM' | null = null;
  // Signal handlers run only while the loop yields between steps (a step is synchronous): `boundary` says what the
  // last finished step needs to be on disk then. A second signal in the middle of a long step is the watchdog's
  // (cli/interrupt-watchdog.ts), which ends the process after a second.
  let boundary: { save: () => void } | 'saved' | null = null;
  let lastSaveMs: number | null = null;
  const estimatedSaveMs = (): number => lastSaveMs ?? (2 * 4 * model.numParameters()) / 1e5; // weights + momentum at a cautious 100 MB/s
  const onSignal = (sig: 'SIGINT' | 'SIGTERM') => (): void => {
    if (stopSignal !== null) {
      // the second signal: exit now, with the checkpoint of the last finished step when writing it takes under a second
      const kept = fs.existsSync(lastFile) ? `the last complete checkpoint is ${lastFile}` : 'no checkpoint was written yet';
      if (boundary === 'saved') io.log(`\n${sig} again: exiting now; the checkpoint of step ${state.step} is saved: ${lastFile}`);
      else if (boundary !== null && estimatedSaveMs() < 800) {
        boundary.save();
        io.log(`\n${sig} again: exiting now; saved the checkpoint of step ${state.step}: ${lastFile}`);
      } else io.log(`\n${sig} again: exiting now; nothing was saved (writing the checkpoint would take over a second); ${kept}.`);
      process.exit(sig === 'SIGINT' ? 130 : 143);
    }
    stopSignal = sig;
    io.log(`\n${sig}: finishing the current step, then writing a checkpoint (press Ctrl-C again to exit at once).`);
  };
  const handlers = { SIGINT: onSignal('SIGINT'), SIGTERM: onSignal('SIGTERM') };
  if (io.handleSignals !== false) {
    process.on('SIGINT', handlers.SIGINT);
    process.on('SIGTERM', handlers.SIGTERM);
  }
  const removeHandlers = (): void => {
    process.off('SIGINT', handlers.SIGINT);
    process.off('SIGTERM', handlers.SIGTERM);
  };

  // ---- the start banner ----
  const ops = countOps(model, [data.inChannels, data.train.height === 28 ? 32 : data.train.height, data.train.height === 28 ? 32 : data.train.width]);
  io.log(`adder train: ${config.model} (${config.kind}) on ${config.dataset}`);
  io.log(`  config: epochs ${config.epochs}, batch ${config.batchSize}, lr ${config.lr} (${config.schedule}${config.warmupEpochs ? `, warmup ${config.warmupEpochs}` : ''}),${config.labelSmoothing ? ` label smoothing ${config.labelSmoothing},` : ''} momentum ${config.momentum}, weight decay ${config.weightDecay}${config.nesterov ? ', nesterov' : ''}, eta ${config.eta}, seed ${config.seed}, threads ${config.threads}, backend ${config.backend}`);
  const notice = backendNotice();
  if (notice !== null) io.log(`  ${notice}`);
  io.log(`  model: ${model.numParameters().toLocaleString('en-US')} parameters; per image ${formatCount(ops.asRun.multiplications)} multiplications, ${formatCount(ops.asRun.additions)} additions (${formatCount(ops.totalMacs)} MACs)`);
  io.log(`  data: ${trainSet.length} train / ${testSet.length} test images, ${data.inChannels}x${data.train.height}x${data.train.width}, ${data.numClasses} classes`);
  io.log(`  run folder: ${dir}`);

  const lastFile = run.file('last.safetensors');
  const bestFile = run.file('best.safetensors');
  const resumeCommand = `pnpm train --resume ${lastFile}`;
  const stopRequested = (): boolean => stopSignal !== null || (io.shouldStop?.(state.step) ?? false);
  const interrupted = (): TrainOutcome => ({ status: 'interrupted', dir, signal: stopSignal ?? 'stop', resumeCommand });
  const stepsPerEpoch = trainLoader.numBatches;
  const schedule = lrSchedule(config, optimizer, stepsPerEpoch);
  let lastAcc: number | null = null;
  let lastLr = config.lr;

  try {
    const firstEpoch = state.inEpoch ? state.inEpoch.epoch : state.epoch + 1;
    for (let epoch = firstEpoch; epoch <= config.epochs; epoch++) {
      const resumed = state.inEpoch && state.inEpoch.epoch === epoch ? state.inEpoch : null;
      const acc: EpochAccumulators = resumed ? { ...resumed.acc } : { lossSum: 0, correct: 0, seen: 0, loadMs: 0, startedAt: 0 };
      const epochStart = performance.now();
      trainLoader.resetStats();
      model.train();
      const bar = epochProgress(`epoch ${epoch}/${config.epochs}`, stepsPerEpoch, io.stdout);
      let batchIndex = resumed ? resumed.batch : 0;
      let windowStart = performance.now();
      let windowImages = 0;
      for (const batch of trainLoader.iterate(epoch, batchIndex)) {
        schedule.step(state.step); // closed form in the step count, so a resumed run continues the curve
        const lr = optimizer.paramGroups[0]!.lr;
        lastLr = lr;
        const images = fromNDArray(batch.images);
        const teacherLogits = teacher === null ? null : noGrad(() => teacher.call(images)).data;
        const lossOf = (logits: Tensor): Tensor =>
          teacherLogits === null
            ? crossEntropy(logits, batch.labels, { labelSmoothing: config.labelSmoothing })
            : distillationLoss(logits, teacherLogits, batch.labels, { alpha: config.distillAlpha, temperature: config.distillTemperature, labelSmoothing: config.labelSmoothing });
        const { logits, loss: lossValue } = trainStep(model, optimizer, images, lossOf, (value) => {
          if (!Number.isFinite(value)) throw new NonFiniteLossError(epoch, state.step + 1, lr, value, fs.existsSync(lastFile) ? lastFile : null);
        });
        state.step++;
        batchIndex++;
        const bs = batch.labels.size;
        const pred = argmax(logits.data, 1);
        let correct = 0;
        for (let i = 0; i < bs; i++) if (pred.data[i] === batch.labels.data[i]) correct++;
        acc.lossSum += lossValue * bs;
        acc.correct += correct;
        acc.seen += bs;
        windowImages += bs;
        const now = performance.now();
        const ips = (1000 * windowImages) / Math.max(now - windowStart, 1e-3);
        bar.update({ done: batchIndex, total: stepsPerEpoch, imagesPerSec: ips, loss: acc.lossSum / acc.seen, acc: acc.correct / acc.seen, lr });
        if (state.step % STEP_LINE_EVERY === 0) {
          const line: MetricLine = { type: 'step', epoch, step: state.step, loss: acc.lossSum / acc.seen, acc: acc.correct / acc.seen, lr, imagesPerSec: ips };
          run.appendMetric(line);
          metrics.push(line);
          windowStart = now;
          windowImages = 0;
        }
        // let signal handlers run between steps (a second signal saves this finished step through `boundary`)
        const saveThisStep = (): void => {
          acc.loadMs += trainLoader.stats.loadMs;
          state.inEpoch = { epoch, batch: batchIndex, acc };
          lastSaveMs = timedSave(lastFile, model, optimizer, state);
        };
        boundary = { save: saveThisStep };
        await yieldToSignals();
        boundary = null;
        if (stopRequested()) {
          bar.stop();
          saveThisStep();
          io.log(`Stopped at epoch ${epoch}, step ${state.step}. Checkpoint: ${lastFile}`);
          io.log(`Resume with: ${resumeCommand}`);
          return interrupted();
        }
      }
      bar.stop();
      acc.loadMs += trainLoader.stats.loadMs;
      const seconds = (performance.now() - epochStart) / 1000;
      // ---- evaluation ----
      let test: ReturnType<typeof evaluate> | null = null;
      if (epoch % config.evalEvery === 0 || epoch === config.epochs) {
        if (config.bnRecalibBatches > 0) recalibrateBatchNormFromLoader(model, recalibLoader, epoch, config.bnRecalibBatches);
        test = evaluate(model, testLoader, data.numClasses);
        lastAcc = test.top1;
      }
      const line: MetricLine = {
        type: 'epoch',
        epoch,
        step: state.step,
        lr: lastLr,
        trainLoss: acc.lossSum / Math.max(acc.seen, 1),
        trainAcc: acc.correct / Math.max(acc.seen, 1),
        testLoss: test ? test.loss : null,
        testAcc: test ? test.top1 : null,
        testTop5: test ? test.top5 : null,
        seconds,
        loadShare: acc.loadMs / 1000 / Math.max(seconds, 1e-9),
        imagesPerSec: acc.seen / Math.max(seconds, 1e-9),
      };
      run.appendMetric(line);
      metrics.push(line);
      io.log(
        `epoch ${epoch}/${config.epochs}  train loss ${line.trainLoss.toFixed(4)} acc ${(100 * line.trainAcc).toFixed(2)}%` +
          (test ? `  test loss ${test.loss.toFixed(4)} acc ${(100 * test.top1).toFixed(2)}%` : '') +
          `  ${seconds.toFixed(1)}s  data ${(100 * line.loadShare).toFixed(1)}%`,
      );
      state.epoch = epoch;
      state.schedule.lastEpoch = epoch;
      delete state.inEpoch;
      const improved = test !== null && test.top1 > state.bestAcc;
      if (improved) state.bestAcc = test!.top1;
      lastSaveMs = timedSave(lastFile, model, optimizer, state);
      if (improved) saveCheckpoint(bestFile, model, null, state);
      run.writeCurves(metrics);
      // a signal that arrived during evaluation is delivered here, so the run stops now rather than after one more step
      boundary = 'saved';
      await yieldToSignals();
      boundary = null;
      if (stopRequested()) {
        io.log(`Stopped after epoch ${epoch}. Resume with: ${resumeCommand}`);
        return interrupted();
      }
    }
  } finally {
    // After a signal the process is about to exit: keep the handlers, so that a second Ctrl-C arriving
    // before the exit still exits with 130/143 instead of being killed by the default action.
    if (stopSignal === null) removeHandlers();
  }

  // ---- the closing report ----
  const epochLines = metrics.filter((m): m is Extract<MetricLine, { type: 'epoch' }> => m.type === 'epoch');
  const accs = epochLines.filter((e) => e.testAcc !== null).map((e) => 100 * e.testAcc!);
  io.log('');
  io.log(terminalChart('test accuracy (%)', accs, { min: 0, max: 100 }));
  const summary = [
    `# ${config.model} (${config.kind}) on ${config.dataset}`,
    '',
    `- best test accuracy: ${(100 * state.bestAcc).toFixed(2)}%`,
    `- last test accuracy: ${lastAcc === null ? 'n/a' : `${(100 * lastAcc).toFixed(2)}%`}`,
    `- epochs: ${config.epochs}, steps: ${state.step}, batch ${config.batchSize}, lr ${config.lr} (${config.schedule})`,
    `- wall time of training epochs: ${epochLines.reduce((s, e) => s + e.seconds, 0).toFixed(1)} s`,
    '',
    '| epoch | train loss | train acc | test loss | test acc | seconds |',
    '|---|---|---|---|---|---|',
    ...epochLines.map((e) => `| ${e.epoch} | ${e.trainLoss.toFixed(4)} | ${(100 * e.trainAcc).toFixed(2)}% | ${e.testLoss === null ? '' : e.testLoss.toFixed(4)} | ${e.testAcc === null ? '' : `${(100 * e.testAcc).toFixed(2)}%`} | ${e.seconds.toFixed(1)} |`),
    '',
    'Files: config.json, metrics.jsonl, last.safetensors, best.safetensors, curves.svg.',
    '',
  ].join('\n');
  run.writeSummary(summary);
  io.log(`Done: best test accuracy ${(100 * state.bestAcc).toFixed(2)}%. Run folder: ${dir}`);
  return { status: 'done', dir, bestAcc: state.bestAcc, lastAcc };
}
