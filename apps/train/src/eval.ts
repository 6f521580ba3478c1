// `pnpm eval`: evaluates a checkpoint (ours or PyTorch's) on a test split (see --help and cli/eval-command.ts).
import { runCli } from './cli/errors';
import { evalCommand } from './cli/eval-command';

runCli('eval', () => evalCommand(process.argv.slice(2), (l) => console.log(l)));
