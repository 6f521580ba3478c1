// `pnpm eval`: evaluates a checkpoint (ours or PyTorch's) on a test split (see --help).
import { NNError } from '@adder/nn';
import { CheckpointError } from '@adder/io';
import { DataError } from '@adder/data';
import { UsageError, helpText, userCwd } from './cli/flags';
import { EVAL_FLAGS, resolveEvalConfig } from './eval/config';
import { EvalMismatchError, runEval } from './eval/run';
import { CheckpointFileError } from './eval/weights';

async function main(): Promise<number> {
  const { config, help } = resolveEvalConfig(process.argv.slice(2));
  if (help) {
    process.stdout.write(
      helpText('eval', 'Evaluate a checkpoint on a test split: top-1, top-5, per-class accuracy and the confusion matrix. Example:\n  pnpm eval --checkpoint ../shared/checkpoints/ResNet20-AdderNet.pth --dataset cifar10 --data-dir DIR', EVAL_FLAGS),
    );
    return 0;
  }
  await runEval(config, (l) => console.log(l), userCwd());
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError) {
      console.error(err.message);
      process.exit(2);
    }
    // problems with the user's files: a message, not a stack trace
    if (err instanceof EvalMismatchError || err instanceof CheckpointFileError || err instanceof CheckpointError || err instanceof DataError || err instanceof NNError) {
      console.error(err.message);
      process.exit(1);
    }
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  },
);
