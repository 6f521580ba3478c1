// `pnpm convert in.pth out.safetensors`: reads a PyTorch checkpoint without Python and writes it as safetensors.
import { basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readTorchCheckpoint, saveSafetensors } from '@adder/io';

const USAGE = `usage: pnpm convert IN.pth OUT.safetensors [--strip-prefix PREFIX] [--inert-class MODULE.CLASS]...
  reads a torch.save file (zip or legacy format; a state dict or a whole pickled model) and writes its tensors
  as safetensors. int64 tensors (num_batches_tracked, ...) are written as I64, half tensors as F32.
  --strip-prefix PREFIX       remove PREFIX (e.g. module.) from every key that has it
  --inert-class MODULE.CLASS  read this nn.Module class of a pickled model as inert data (repeatable)`;

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
    error(`${args}\n${USAGE}`);
    return 2;
  }
  const input = resolve(cwd, args.input);
  const output = resolve(cwd, args.output);
  try {
    const { tensors, storageTypes } = readTorchCheckpoint(input, { stripPrefix: args.stripPrefix, inertClasses: args.inertClasses });
    const int64Keys = Object.keys(storageTypes).filter((k) => storageTypes[k] === 'Long');
    saveSafetensors(output, tensors, { source: basename(input), converter: 'adder pnpm convert' }, { int64Keys });
    log(`convert: wrote ${Object.keys(tensors).length} tensors (${int64Keys.length} as I64) from ${input} to ${output}`);
    return 0;
  } catch (e) {
    error((e as Error).message);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = runConvert(process.argv.slice(2), process.env.INIT_CWD ?? process.cwd());
}
