#!/usr/bin/env node
// `adder COMMAND [flags]`: the one command of the installed package (`npx adder train ...`). Each command is the
// entry point that `pnpm COMMAND` runs in the workspace, with the same flags: the dispatcher hands it the rest of argv.
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

/** The commands, their one-line help and the module that runs each (relative to this file). */
const COMMANDS = {
  train: { module: './train', help: 'train an AdderNet (or its CNN twin); with no flags, on the bundled Fashion-MNIST sample' },
  eval: { module: './eval', help: 'evaluate a checkpoint (ours or PyTorch\'s) on a test split' },
  convert: { module: './convert-command', help: 'convert checkpoints: .pth -> .safetensors, or .safetensors/.pth -> a torch.save .pth' },
  parity: { module: './parity', help: 'check the engine against the PyTorch golden fixtures in a folder' },
  bench: { module: '@adder/bench/main', help: 'run the benchmark suites (needs the repository checkout: @adder/bench is not published)' },
} as const;
type CommandName = keyof typeof COMMANDS;

/** This package's version, from its package.json (one level above both src/ and dist/). */
export function adderVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** The top-level --help. */
export function adderHelp(): string {
  const rows = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.help}`);
  return [
    'Usage: adder COMMAND [flags]',
    '',
    'Commands:',
    ...rows,
    '',
    'Options:',
    '  --help, -h     show this help (adder COMMAND --help: the flags of one command)',
    '  --version, -v  print the version',
    '',
  ].join('\n');
}

/** Splits argv into the dispatcher's own options (before the command), the command and the command's argv. */
function parseCommandLine(argv: readonly string[]): { help: boolean; version: boolean; command: string | undefined; rest: string[] } {
  const at = argv.findIndex((a) => !a.startsWith('-'));
  const head = at < 0 ? [...argv] : argv.slice(0, at);
  let values;
  try {
    ({ values } = parseArgs({ args: head, options: { help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'v' } }, strict: true }));
  } catch (err) {
    throw new AdderUsageError(`adder: ${err instanceof Error ? err.message : String(err)}. See adder --help.`);
  }
  return { help: values.help === true, version: values.version === true, command: at < 0 ? undefined : argv[at], rest: at < 0 ? [] : argv.slice(at + 1) };
}

/** A usage error of the dispatcher: one line, exit code 2. */
class AdderUsageError extends Error {}

/** Runs `adder ...argv`: prints help or the version, or loads the command's entry point with argv set to its flags. */
async function main(argv: readonly string[]): Promise<void> {
  const { help, version, command, rest } = parseCommandLine(argv);
  if (version) return void process.stdout.write(`${adderVersion()}\n`);
  if (help || command === undefined) {
    process.stdout.write(adderHelp());
    if (!help) process.exitCode = 2;
    return;
  }
  if (!Object.hasOwn(COMMANDS, command)) throw new AdderUsageError(`adder: unknown command '${command}', expected one of ${Object.keys(COMMANDS).join(', ')}. See adder --help.`);
  const spec = COMMANDS[command as CommandName].module;
  let url: string;
  if (spec.startsWith('.')) {
    // the entry points read process.argv.slice(2) when imported: argv[1] is the entry module itself
    url = new URL(`${spec}${import.meta.url.endsWith('.js') ? '.js' : '.ts'}`, import.meta.url).href;
    process.argv = [process.argv[0]!, fileURLToPath(url), ...rest];
  } else {
    try {
      url = import.meta.resolve(spec);
    } catch {
      throw new AdderUsageError(`adder ${command}: needs ${spec.split('/').slice(0, 2).join('/')}, which is only in the repository checkout (run it there as pnpm ${command})`);
    }
    process.argv = [process.argv[0]!, fileURLToPath(url), ...rest];
  }
  await import(url);
}

// run only as the entry point (npm's bin is a symlink to this file: compare real paths)
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof AdderUsageError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(err instanceof AdderUsageError ? 2 : 1);
  });
}
