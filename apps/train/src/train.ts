// `pnpm train`: the command-line entry point of training (see --help).
import { DataError } from '@adder/data';
import { SafetensorsError } from '@adder/nn';
import { CheckpointMetadataError } from './checkpoint';
import { helpText, UsageError, userCwd } from './cli/flags';
import { TRAIN_FLAGS, resolveTrainConfig } from './config';
import { NonFiniteLossError, runTraining } from './trainer';

async function main(): Promise<number> {
  const { config, help } = resolveTrainConfig(process.argv.slice(2));
  if (help) {
    process.stdout.write(helpText('train', 'Train an AdderNet (or its CNN twin). With no flags: AdderNet ResNet-20 on the bundled Fashion-MNIST sample.', TRAIN_FLAGS));
    return 0;
  }
  const outcome = await runTraining(config, { log: (l) => console.log(l), stdout: process.stdout }, userCwd());
  if (outcome.status === 'interrupted') return outcome.signal === 'SIGTERM' ? 143 : 130;
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
