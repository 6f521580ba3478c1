// `pnpm train`: the command-line entry point of training (see --help).
import { helpText, userCwd } from './cli/flags';
import { runCli } from './cli/errors';
import { checkEnvironment } from './cli/environment';
import { startInterruptWatchdog } from './cli/interrupt-watchdog';
import { TRAIN_FLAGS, resolveTrainConfig } from './config';
import { defaultRunDir, runTraining } from './trainer';
import { type SeedResult, formatSeedSummary } from './seed-summary';

async function main(): Promise<number> {
  checkEnvironment('train'); // ADDER_BACKEND and ADDER_THREADS are checked like the flags they stand for
  const { config, help, seeds, force, givenFlags } = resolveTrainConfig(process.argv.slice(2));
  if (help) {
    process.stdout.write(helpText('train', 'Train an AdderNet (or its CNN twin). With no flags: AdderNet ResNet-20 on the bundled Fashion-MNIST sample.', TRAIN_FLAGS));
    return 0;
  }
  startInterruptWatchdog(); // a second Ctrl-C in the middle of a long step ends the process within a second
  const io = { log: (l: string) => console.log(l), stdout: process.stdout };
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
      console.log(formatSeedSummary(results));
      return outcome.signal === 'SIGTERM' ? 143 : 130;
    }
    results.push({ seed, dir: outcome.dir, bestAcc: outcome.bestAcc, lastAcc: outcome.lastAcc, seconds: (performance.now() - started) / 1000 });
    console.log('');
  }
  console.log(formatSeedSummary(results));
  return 0;
}

runCli('train', main);
