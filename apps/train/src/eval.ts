// `pnpm eval`: evaluates a checkpoint (ours or PyTorch's) on a test split (see --help).
import { helpText, userCwd } from './cli/flags';
import { runCli } from './cli/errors';
import { checkEnvironment } from './cli/environment';
import { EVAL_FLAGS, resolveEvalConfig } from './eval/config';
import { runEval } from './eval/run';

async function main(): Promise<number> {
  checkEnvironment('eval'); // ADDER_BACKEND and ADDER_THREADS are checked like the flags they stand for
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

runCli('eval', main);
