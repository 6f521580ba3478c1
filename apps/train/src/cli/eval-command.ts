// The body of `pnpm eval` (src/eval.ts runs it): flags and environment in, an exit code out; failures are thrown
// for the one error path (cli/errors.ts), so tests can run the command in-process.
import { checkEnvironment } from './environment';
import { helpText, userCwd } from './flags';
import { EVAL_FLAGS, resolveEvalConfig } from '../eval/config';
import { runEval } from '../eval/run';

/** Runs `pnpm eval ARGV` and returns its exit code. */
export async function evalCommand(argv: readonly string[], log: (line: string) => void): Promise<number> {
  checkEnvironment('eval'); // ADDER_BACKEND and ADDER_THREADS are checked like the flags they stand for
  const { config, help } = resolveEvalConfig(argv);
  if (help) {
    log(
      helpText('eval', 'Evaluate a checkpoint on a test split: top-1, top-5, per-class accuracy and the confusion matrix. Example:\n  pnpm eval --checkpoint ../shared/checkpoints/ResNet20-AdderNet.pth --dataset cifar10 --data-dir DIR', EVAL_FLAGS).trimEnd(),
    );
    return 0;
  }
  await runEval(config, log, userCwd());
  return 0;
}
