// `pnpm convert in.pth out.safetensors`: reads a PyTorch checkpoint without Python and writes it as safetensors.
import fs from 'node:fs';
import { basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readTorchCheckpoint, saveSafetensors } from '@adder/io';
import { CliError, reportFailure } from './cli/errors';
import { EXIT_CODES, EXIT_CODES_HELP } from './cli/exit-codes';
import { checkWritableFile } from './cli/output-paths';
import { checkEnvironment } from './cli/environment';

const USAGE = `usage: pnpm convert IN.pth OUT.safetensors [--strip-prefix PREFIX] [--inert-class MODULE.CLASS]...
  reads a torch.save file (zip or legacy format; a state dict or a whole pickled model) and writes its tensors
  as safetensors. int64 tensors (num_batches_tracked, ...) are written as I64, half tensors as F32.
  --strip-prefix PREFIX       remove PREFIX (e.g. module.) from every key that has it
  --inert-class MODULE.CLASS  read this nn.Module class of a pickled model as inert data (repeatable)
  OUT is written atomically (a temporary file, then a rename) and may never be IN itself, not even through a link.

${EXIT_CODES_HELP}`;

/** Parsed command line of the converter. */
interface ConvertArgs {
  input: string;
  output: string;
  stripPrefix?: string;
  inertClasses: string[];
}

function parseArgs(argv: readonly string[]): ConvertArgs | string {
  const positional: string[] = [];
  const inertClasses: string[] = [];
  let stripPrefix: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--strip-prefix' || a === '--inert-class') {
      const v = argv[++i];
      if (v === undefined) return `convert: ${a} needs a value`;
      if (a === '--strip-prefix') stripPrefix = v;
      else inertClasses.push(v);
    } else if (a.startsWith('-')) {
      return `convert: unknown option ${a}`;
    } else positional.push(a);
  }
  if (positional.length !== 2) return `convert: expected IN.pth and OUT.safetensors, got ${positional.length} path(s)`;
  return { input: positional[0]!, output: positional[1]!, stripPrefix, inertClasses };
}

/** Runs the converter with paths resolved against `cwd`; returns the process exit code. */
export function runConvert(argv: readonly string[], cwd: string, log: (line: string) => void = console.log, error: (line: string) => void = console.error): number {
  if (argv.includes('--help') || argv.includes('-h')) {
    log(USAGE);
    return 0;
  }
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    error(`${args}. See pnpm convert --help.`);
    return EXIT_CODES.usage;
  }
  try {
    checkEnvironment('convert');
  } catch (e) {
    return reportFailure('convert', e, error);
  }
  const input = resolve(cwd, args.input);
  const output = resolve(cwd, args.output);
  try {
    checkNotSameFile(input, output);
    checkWritableFile('convert', 'OUT', output);
    const { tensors, storageTypes } = readTorchCheckpoint(input, { stripPrefix: args.stripPrefix, inertClasses: args.inertClasses });
    const int64Keys = Object.keys(storageTypes).filter((k) => storageTypes[k] === 'Long');
    saveSafetensors(output, tensors, { source: basename(input), converter: 'adder pnpm convert' }, { int64Keys });
    log(`convert: wrote ${Object.keys(tensors).length} tensors (${int64Keys.length} as I64) from ${input} to ${output}`);
    return 0;
  } catch (e) {
    return reportFailure('convert', e, error);
  }
}

/** Refuses an output that is the input: the same path, or the same file through a symbolic or hard link (device and inode). */
function checkNotSameFile(input: string, output: string): void {
  if (!fs.existsSync(input)) throw new CliError('file', `convert: IN ${input}: no such file`);
  if (fs.statSync(input).isDirectory()) throw new CliError('file', `convert: IN ${input} is a folder; give a .pth file`);
  const same = input === output || (fs.existsSync(output) && sameInode(fs.statSync(input), fs.statSync(output))) || (fs.existsSync(output) && fs.realpathSync(input) === fs.realpathSync(output));
  if (same) throw new CliError('file', `convert: OUT ${output} is the input file ${input}${input === output ? '' : ' (through a link)'}; writing it would destroy the source. Give another OUT path`);
}

const sameInode = (a: fs.Stats, b: fs.Stats): boolean => a.dev === b.dev && a.ino === b.ino;

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = runConvert(process.argv.slice(2), process.env.INIT_CWD ?? process.cwd());
}
