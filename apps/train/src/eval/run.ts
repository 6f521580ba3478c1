// Evaluates a checkpoint on a dataset's test split: pick the model, load the weights, run, report.
import fs from 'node:fs';
import path from 'node:path';
import { DataLoader } from '@adder/data';
import type { Module } from '@adder/nn';
import { getBackend, setBackend, setNumThreads } from '@adder/tensor';
import { firstN, loadTestData } from '../datasets';
import { type EvalResult, evaluate } from './evaluate';
import { ArchitectureInferenceError, type ModelSpec, buildModel, inferModelSpec } from '../models';
import { writeFileAtomic } from '../run-folder';
import { CliError } from '../cli/errors';
import { checkWritableFile } from '../cli/output-paths';
import type { EvalConfig } from './config';
import { formatEvalReport, predictionsCsv } from './report';
import { type CheckpointWeights, readCheckpointWeights } from './weights';

/** A checkpoint that cannot be evaluated as asked (wrong architecture, classes, ...). */
export class EvalMismatchError extends CliError {
  constructor(message: string) {
    super('format', message);
    this.name = 'EvalMismatchError';
  }
}

/** What runEval found and did. */
export interface EvalOutcome {
  spec: ModelSpec;
  inferred: boolean;
  result: EvalResult;
  predictionsFile: string | null;
}

/** The model to build: flags win, the rest comes from the checkpoint's keys and shapes; classes and channels from the data. */
function chooseSpec(config: EvalConfig, weights: CheckpointWeights, data: { numClasses: number; inChannels: number }): { spec: ModelSpec; inferred: boolean; fromCheckpoint: ModelSpec | null } {
  let fromCheckpoint: ModelSpec | null = null;
  let why = '';
  try {
    fromCheckpoint = inferModelSpec(weights.tensors);
  } catch (e) {
    if (!(e instanceof ArchitectureInferenceError)) throw e;
    why = e.message;
  }
  if (config.model === null && fromCheckpoint === null) throw new EvalMismatchError(`eval: ${config.checkpoint}: ${why}. Pass --model (and --kind) to say what it is.`);
  const spec: ModelSpec = {
    model: config.model ?? fromCheckpoint!.model,
    kind: config.kind ?? fromCheckpoint?.kind ?? 'adder',
    numClasses: data.numClasses,
    inChannels: data.inChannels,
  };
  return { spec, inferred: config.model === null, fromCheckpoint };
}

/** Loads the weights into the model, turning loadStateDict's list of problems into one message about the checkpoint. */
function loadInto(model: Module, weights: CheckpointWeights, config: EvalConfig, spec: ModelSpec, fromCheckpoint: ModelSpec | null, datasetLabel: string): void {
  try {
    model.loadStateDict(weights.tensors);
  } catch (e) {
    const hints: string[] = [];
    if (fromCheckpoint && fromCheckpoint.numClasses !== spec.numClasses) hints.push(`the checkpoint's classifier has ${fromCheckpoint.numClasses} classes, ${datasetLabel} has ${spec.numClasses}`);
    if (fromCheckpoint && fromCheckpoint.inChannels !== spec.inChannels) hints.push(`the checkpoint's stem takes ${fromCheckpoint.inChannels} input channel(s), ${datasetLabel} has ${spec.inChannels}`);
    if (fromCheckpoint && (fromCheckpoint.model !== spec.model || fromCheckpoint.kind !== spec.kind)) hints.push(`its keys and shapes look like ${fromCheckpoint.model} (${fromCheckpoint.kind})`);
    const detail = (e as Error).message.replace(/^[^:]*loadStateDict: /, '');
    throw new EvalMismatchError(`eval: ${config.checkpoint} does not match ${spec.model} (${spec.kind}, ${spec.numClasses} classes, ${spec.inChannels} input channels)${hints.length ? `: ${hints.join('; ')}` : ''}.\n${detail}`);
  }
}

/** The keys of the floating-point tensors that hold a NaN or an infinity. */
function nonFiniteTensors(tensors: CheckpointWeights['tensors']): string[] {
  return Object.entries(tensors)
    .filter(([, t]) => (t.data instanceof Float32Array || t.data instanceof Float64Array) && !(t.contiguous().data as Float32Array | Float64Array).every(Number.isFinite))
    .map(([k]) => k);
}

/** Runs one evaluation, logging the choices and the report; writes the predictions CSV when asked. */
export async function runEval(config: EvalConfig, log: (line: string) => void, cwd: string): Promise<EvalOutcome> {
  if (config.threads !== null) setNumThreads(config.threads);
  if (config.backend !== null) setBackend(config.backend);
  // an output that cannot be written is refused before the evaluation, not after it
  if (config.predictions) checkWritableFile('eval', '--predictions', config.predictions);
  const weights = readCheckpointWeights(config.checkpoint);
  const saved = weights.trainConfig;
  // the synthetic test set depends on the training seed; use the checkpoint's when it was trained on it
  const seed = saved && saved['dataset'] === 'synthetic' && typeof saved['seed'] === 'number' ? saved['seed'] : 0;
  const data = await loadTestData(config.dataset, { dataDir: config.dataDir, seed, cwd, allowPartialCifar: config.allowPartialCifar ?? false });
  const testSet = firstN(data.test, config.evalSubset);
  if (testSet.length === 0) throw new CliError('format', `eval: the test split of --dataset ${config.dataset} has 0 images; there is nothing to evaluate`);
  const { spec, inferred, fromCheckpoint } = chooseSpec(config, weights, data);
  log(`adder eval: ${config.checkpoint} (backend ${getBackend()})`);
  log(
    `  checkpoint: ${weights.format === 'torch' ? 'PyTorch' : 'safetensors'}, ${Object.keys(weights.tensors).length} model tensors` +
      (weights.strippedModulePrefix ? ", 'module.' prefix stripped" : '') +
      (weights.ignoredOptimizerKeys ? `, ${weights.ignoredOptimizerKeys} optimiser tensors ignored` : ''),
  );
  log(`  model: ${spec.model} (${spec.kind})${inferred ? `, inferred from the checkpoint's keys and shapes${config.kind !== null ? ' (--kind from the command line)' : ''}` : ' (--model)'}`);
  log(`  data: ${config.dataset} test split, ${testSet.length} images of ${data.inChannels}x${data.test.height}x${data.test.width}, ${data.numClasses} classes, batch ${config.batchSize}`);
  const model = buildModel(spec);
  loadInto(model, weights, config, spec, fromCheckpoint, config.dataset);
  model.eval();
  const loader = new DataLoader(testSet, { batchSize: config.batchSize, shuffle: false, dropLast: false, transform: data.testTransform });
  const badWeights = nonFiniteTensors(weights.tensors);
  if (badWeights.length > 0) log(`  warning: ${badWeights.length} tensor(s) of the checkpoint hold NaN or infinite values (${badWeights.slice(0, 3).join(', ')}${badWeights.length > 3 ? ', ...' : ''}); the accuracy below is not meaningful`);
  const result = evaluate(model, loader, data.numClasses);
  if (result.nonFiniteLogits > 0) log(`  warning: ${result.nonFiniteLogits} of ${result.count} images got NaN or infinite logits; their predictions are arbitrary`);
  log(`  evaluated in ${result.seconds.toFixed(1)} s (${(result.count / Math.max(result.seconds, 1e-9)).toFixed(1)} images/s)`);
  log('');
  for (const line of formatEvalReport(result, data.classNames)) log(line);
  if (config.predictions) {
    fs.mkdirSync(path.dirname(config.predictions), { recursive: true });
    writeFileAtomic(config.predictions, predictionsCsv(result));
    log('');
    log(`predictions: ${config.predictions}`);
  }
  return { spec, inferred, result, predictionsFile: config.predictions };
}
