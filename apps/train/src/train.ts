// `pnpm train`: the command-line entry point of training (see --help and cli/train-command.ts).
import { runCli } from './cli/errors';
import { startInterruptWatchdog } from './cli/interrupt-watchdog';
import { trainCommand } from './cli/train-command';

runCli('train', () => {
  if (!process.argv.includes('--help')) startInterruptWatchdog(); // a second Ctrl-C in the middle of a long step ends the process within a second
  return trainCommand(process.argv.slice(2), { log: (l) => console.log(l), stdout: process.stdout });
});
