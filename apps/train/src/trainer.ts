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
import { recalibrateBatchNormFromLoader } from './bn-recalibration';
import { loadCheckpoint, saveCheckpoint, type RunState } from './checkpoint';
import { type TrainConfig, lrSchedule } from './config';
import { firstN, loadData } from './datasets';
import { evaluate } from './eval/evaluate';
import { buildModel, inferModelSpec } from './models';
import { readCheckpointWeights } from './eval/weights';
import { trainStep } from './train-step';
import { epochProgress } from './progress';
import { type MetricLine, RunFolder } from './run-folder';
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

/** A non-finite loss: the run stops, and the last good checkpoint is left untouched. */
export class NonFiniteLossError extends Error {
  constructor(epoch: number, step: number, lr: number, loss: number) {
    super(`train: the loss became ${loss} at epoch ${epoch}, step ${step} (lr ${lr}). The run stopped; the last good checkpoint is untouched. Try a lower --lr or more --warmup-epochs.`);
    this.name = 'NonFiniteLossError';
  }
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
export async function runTraining(configIn: TrainConfig, io: TrainIO, cwd: string): Promise<TrainOutcome> {
  setNumThreads(configIn.threads); // --threads: the kernels' worker pool (1 = no pool)
  setBackend(configIn.backend); // --backend: js or simd kernels
  let config = configIn;
  let resumeFrom: ReturnType<typeof loadCheckpoint> | null = null;
  let dir: string;
  if (config.resume) {
    const file = fs.existsSync(config.resume) && fs.statSync(config.resume).isDirectory() ? path.join(config.resume, 'last.safetensors') : config.resume;
    if (!fs.existsSync(file)) throw new UsageError(`train: --resume: no checkpoint at ${file}`);
    resumeFrom = loadCheckpoint(file);
    if (!resumeFrom.state || !resumeFrom.optim) throw new UsageError(`train: --resume: ${file} is not a training checkpoint (no run state); use it with eval instead`);
    const saved = resumeFrom.state.config as TrainConfig;
    // the run continues with its own config; only the folder and the epoch budget may change
    // fields newer than the saved run take their defaults
    const newer: Partial<TrainConfig> = { labelSmoothing: 0, augment: 'crop-flip', teacher: null, distillAlpha: 0.5, distillTemperature: 4 };
    config = { ...newer, ...saved, resume: config.resume, epochs: configIn.epochs > saved.epochs ? configIn.epochs : saved.epochs, threads: configIn.threads, backend: configIn.backend };
    dir = path.dirname(file);
  } else {
    dir = config.out ?? defaultRunDir(config, cwd);
  }
  const run = new RunFolder(dir);
  manualSeed(config.seed);

  // ---- data ----
  const data = await loadData(config.dataset, { dataDir: config.dataDir, download: config.download, seed: config.seed, cwd, augment: config.augment });
  const trainSet = firstN(data.train, config.subset);
  const testSet = firstN(data.test, config.evalSubset);
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
    fs.rmSync(run.file('metrics.jsonl'), { force: true });
  }
  run.writeConfig(config);

  // ---- the teacher (distillation) ----
  const teacher = config.teacher === null ? null : loadTeacher(config.teacher, data.numClasses, data.inChannels);

  // ---- the start banner ----
  const ops = countOps(model, [data.inChannels, data.train.height === 28 ? 32 : data.train.height, data.train.height === 28 ? 32 : data.train.width]);
  io.log(`adder train: ${config.model} (${config.kind}) on ${config.dataset}`);
  io.log(`  config: epochs ${config.epochs}, batch ${config.batchSize}, lr ${config.lr} (${config.schedule}${config.warmupEpochs ? `, warmup ${config.warmupEpochs}` : ''}),${config.labelSmoothing ? ` label smoothing ${config.labelSmoothing},` : ''} momentum ${config.momentum}, weight decay ${config.weightDecay}${config.nesterov ? ', nesterov' : ''}, eta ${config.eta}, seed ${config.seed}, threads ${config.threads}, backend ${config.backend}`);
  const notice = backendNotice();
  if (notice !== null) io.log(`  ${notice}`);
  io.log(`  model: ${model.numParameters().toLocaleString('en-US')} parameters; per image ${formatCount(ops.asRun.multiplications)} multiplications, ${formatCount(ops.asRun.additions)} additions (${formatCount(ops.totalMacs)} MACs)`);
  io.log(`  data: ${trainSet.length} train / ${testSet.length} test images, ${data.inChannels}x${data.train.height}x${data.train.width}, ${data.numClasses} classes`);
  io.log(`  run folder: ${dir}`);

  // ---- signals ----
  let stopSignal: 'SIGINT' | 'SIGTERM' | null = null;
  const onSignal = (sig: 'SIGINT' | 'SIGTERM') => (): void => {
    if (stopSignal !== null) {
      io.log(`\n${sig} again: exiting now; the last complete checkpoint is kept.`);
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
          if (!Number.isFinite(value)) throw new NonFiniteLossError(epoch, state.step + 1, lr, value);
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
        // let signal handlers run between steps
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (stopRequested()) {
          bar.stop();
          acc.loadMs += trainLoader.stats.loadMs;
          state.inEpoch = { epoch, batch: batchIndex, acc };
          saveCheckpoint(lastFile, model, optimizer, state);
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
      saveCheckpoint(lastFile, model, optimizer, state);
      if (improved) saveCheckpoint(bestFile, model, null, state);
      run.writeCurves(metrics);
      // a signal that arrived during evaluation is delivered here, so the run stops now rather than after one more step
      await new Promise<void>((resolve) => setImmediate(resolve));
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
