// `pnpm train`: the command-line entry point of training (see --help).
import { DataError } from '@adder/data';
import { SafetensorsError } from '@adder/io';
import { CheckpointMetadataError } from './checkpoint';
import { helpText, UsageError, userCwd } from './cli/flags';
import { TRAIN_FLAGS, resolveTrainConfig } from './config';
import { NonFiniteLossError, defaultRunDir, runTraining } from './trainer';
import { type SeedResult, formatSeedSummary } from './seed-summary';

async function main(): Promise<number> {
  const { config, help, seeds } = resolveTrainConfig(process.argv.slice(2));
  if (help) {
    process.stdout.write(helpText('train', 'Train an AdderNet (or its CNN twin). With no flags: AdderNet ResNet-20 on the bundled Fashion-MNIST sample.', TRAIN_FLAGS));
    return 0;
  }
  const io = { log: (l: string) => console.log(l), stdout: process.stdout };
  if (seeds === null) {
    const outcome = await runTraining(config, io, userCwd());
    if (outcome.status === 'interrupted') return outcome.signal === 'SIGTERM' ? 143 : 130;
    return 0;
  }
  // --seeds: one run per seed, one after another, each in <out>-seed<N>
  const base = config.out ?? defaultRunDir(config, userCwd());
  const results: SeedResult[] = [];
  for (const seed of seeds) {
    const started = performance.now();
    const outcome = await runTraining({ ...config, seed, out: `${base}-seed${seed}` }, io, userCwd());
    if (outcome.status === 'interrupted') {
      console.log(formatSeedSummary(results));
      return outcome.signal === 'SIGTERM' ? 143 : 130;
    }
    results.push({ seed, dir: outcome.dir, bestAcc: outcome.bestAcc, lastAcc: outcome.lastAcc, seconds: (performance.now() - started) / 1000 });
    console.log('');
  }
  console.log(formatSeedSummary(results));
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    // a damaged checkpoint given to --resume, or one that cannot be written: the message names the file and the problem
    if (err instanceof CheckpointMetadataError || err instanceof SafetensorsError) {
      console.error(`train: ${err.message}`);
      process.exit(1);
    }
    if (err instanceof UsageError || err instanceof NonFiniteLossError) {
      console.error(err.message);
      process.exit(err instanceof UsageError ? 2 : 1);
    }
    // missing or damaged dataset files: the loader's message says what to do, a stack trace would bury it
    if (err instanceof DataError) {
      console.error(`train: ${err.message}${/download was not requested/.test(err.message) ? ' Or pass --download to fetch it.' : ''}`);
      process.exit(1);
    }
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  },
);
