// The body of `pnpm train` (src/train.ts runs it): flags and environment in, an exit code out; failures are thrown
// for the one error path (cli/errors.ts), so tests can run the command in-process.
import { checkEnvironment } from './environment';
import { helpText, userCwd } from './flags';
import { TRAIN_FLAGS, resolveTrainConfig } from '../config';
import { type TrainIO, defaultRunDir, runTraining } from '../trainer';
import { type SeedResult, formatSeedSummary } from '../seed-summary';

/** Runs `pnpm train ARGV` and returns its exit code (130/143 when stopped by a signal). */
export async function trainCommand(argv: readonly string[], io: TrainIO): Promise<number> {
  checkEnvironment('train'); // ADDER_BACKEND and ADDER_THREADS are checked like the flags they stand for
  const { config, help, seeds, force, givenFlags } = resolveTrainConfig(argv);
  if (help) {
    io.stdout.write(helpText('train', 'Train an AdderNet (or its CNN twin). With no flags: AdderNet ResNet-20 on the bundled Fashion-MNIST sample.', TRAIN_FLAGS));
    return 0;
  }
  const opts = { force, givenFlags };
  if (seeds === null) {
    const outcome = await runTraining(config, io, userCwd(), opts);
    if (outcome.status === 'interrupted') return outcome.signal === 'SIGTERM' ? 143 : 130;
    return 0;
  }
  // --seeds: one run per seed, one after another, each in <out>-seed<N>
  const base = config.out ?? defaultRunDir(config, userCwd());
  const results: SeedResult[] = [];
  for (const seed of seeds) {
    const started = performance.now();
    const outcome = await runTraining({ ...config, seed, out: `${base}-seed${seed}` }, io, userCwd(), opts);
    if (outcome.status === 'interrupted') {
      io.log(formatSeedSummary(results));
      return outcome.signal === 'SIGTERM' ? 143 : 130;
    }
    results.push({ seed, dir: outcome.dir, bestAcc: outcome.bestAcc, lastAcc: outcome.lastAcc, seconds: (performance.now() - started) / 1000 });
    io.log('');
  }
  io.log(formatSeedSummary(results));
  return 0;
}
