// The flags of `pnpm eval` and their resolution into one EvalConfig.
import path from 'node:path';
import { getNumThreads, type BackendName } from '@adder/tensor';
import { BACKEND_FLAG, type FlagTable, UsageError, numberFlag, parseFlags, userCwd } from '../cli/flags';
import type { DatasetName } from '../datasets';
import type { ModelName } from '../models';

/** What an evaluation needs to know. */
export interface EvalConfig {
  checkpoint: string;
  /** null: inferred from the checkpoint's keys and shapes */
  model: ModelName | null;
  kind: 'adder' | 'cnn' | null;
  dataset: DatasetName;
  dataDir: string | null;
  /** CIFAR: accept files with another record count than the official one (--allow-partial-cifar) */
  allowPartialCifar?: boolean;
  evalSubset: number | null;
  batchSize: number;
  predictions: string | null;
  threads: number | null;
  /** null: ADDER_BACKEND, else simd where supported */
  backend: BackendName | null;
}

/** Every flag of `pnpm eval`, with its default as shown by --help. */
export const EVAL_FLAGS: FlagTable = {
  checkpoint: { type: 'string', placeholder: 'FILE', help: 'our .safetensors checkpoint or a PyTorch .pth (zip or legacy); a module. prefix is stripped (required)' },
  model: { type: 'string', choices: ['resnet20', 'resnet32', 'resnet56', 'resnet50'], default: 'inferred from the checkpoint', help: 'architecture' },
  kind: { type: 'string', choices: ['adder', 'cnn'], default: 'inferred from the checkpoint', help: 'AdderNet or its CNN twin' },
  dataset: { type: 'string', choices: ['sample', 'fashion-mnist', 'cifar10', 'cifar100', 'synthetic'], help: 'test data (required)' },
  'data-dir': { type: 'string', placeholder: 'DIR', default: './data for CIFAR, holding cifar-10-batches-bin/ or the .tar.gz; /usr/share/datasets/fashion-mnist for fashion-mnist', help: 'where the dataset files are' },
  'allow-partial-cifar': { type: 'boolean', default: false, help: 'accept CIFAR files with fewer records than the official 10,000 per file (refused by default as cut or partial)' },
  'eval-subset': { type: 'string', placeholder: 'N', default: 'all', help: 'evaluate on the first N test examples only' },
  'batch-size': { type: 'string', placeholder: 'N', default: '100', help: "evaluation batch size (the reference's test batch)" },
  predictions: { type: 'string', placeholder: 'FILE', default: 'none', help: 'write index,label,predicted for every test example, in dataset order, as CSV' },
  threads: { type: 'string', placeholder: 'N', default: 'ADDER_THREADS or all cores', help: 'worker threads for the kernels' },
  backend: BACKEND_FLAG,
};

/** null after checking ADDER_THREADS (a usage error naming the variable when it is not a count from 1 to 256). */
function checkEnvThreads(): null {
  try {
    getNumThreads();
  } catch (e) {
    throw new UsageError(`eval: ${(e as Error).message.replace(/^setNumThreads: /, '')}`);
  }
  return null;
}

/** Parses `pnpm eval` flags (throws UsageError on bad input). */
export function resolveEvalConfig(argv: readonly string[]): { config: EvalConfig; help: boolean } {
  const { values, positionals } = parseFlags('eval', EVAL_FLAGS, argv);
  const help = values['help'] === true;
  const str = (k: string): string | undefined => values[k] as string | undefined;
  if (positionals.length > 0) throw new UsageError(`eval: unexpected argument '${positionals[0]}'. Flags start with --; did you mean --checkpoint ${positionals[0]}? See --help.`);
  const checkpoint = str('checkpoint');
  const dataset = str('dataset');
  if (!help && checkpoint === undefined) throw new UsageError('eval: --checkpoint FILE is required. See --help.');
  if (!help && dataset === undefined) throw new UsageError('eval: --dataset is required (sample|fashion-mnist|cifar10|cifar100|synthetic). See --help.');
  const cwd = userCwd();
  const config: EvalConfig = {
    checkpoint: checkpoint === undefined ? '' : path.resolve(cwd, checkpoint),
    model: (str('model') as ModelName | undefined) ?? null,
    kind: (str('kind') as 'adder' | 'cnn' | undefined) ?? null,
    dataset: (dataset ?? 'sample') as DatasetName,
    dataDir: str('data-dir') === undefined ? null : path.resolve(cwd, str('data-dir')!),
    allowPartialCifar: values['allow-partial-cifar'] === true,
    evalSubset: numberFlag('eval', 'eval-subset', str('eval-subset'), { integer: true, min: 1 }) ?? null,
    batchSize: numberFlag('eval', 'batch-size', str('batch-size') ?? '100', { integer: true, min: 1 })!,
    predictions: str('predictions') === undefined ? null : path.resolve(cwd, str('predictions')!),
    threads: numberFlag('eval', 'threads', str('threads'), { integer: true, min: 1, max: 256 }) ?? checkEnvThreads(),
    backend: (str('backend') as BackendName | undefined) ?? null,
  };
  return { config, help };
}
