// `adder convert`: OUT.pth -> the torch.save writer (convert-to-pth.ts); anything else -> the .pth -> safetensors
// converter (convert.ts). Runs when imported, on process.argv, as every command the `adder` dispatcher loads.
import { runConvert } from './convert';
import { TO_PTH_USAGE, runConvertToPth } from './convert-to-pth';
import { userCwd } from './cli/flags';

/** Chooses the converter from OUT's extension; returns the exit code. */
export function runConvertCommand(argv: readonly string[], cwd: string): number {
  const positional = argv.filter((a) => !a.startsWith('-'));
  if (argv.includes('--help') || argv.includes('-h')) {
    runConvert(['--help'], cwd);
    console.log(TO_PTH_USAGE);
    return 0;
  }
  const last = argv[argv.length - 1];
  if (last !== undefined && /\.(pth|pt)$/.test(last)) {
    if (positional.length !== 2 || positional.length !== argv.length) {
      console.error(`convert: writing a .pth takes exactly IN and OUT and no flags (--strip-prefix and --inert-class are for OUT.safetensors), found: ${argv.join(' ')}\n${TO_PTH_USAGE}`);
      return 2;
    }
    return runConvertToPth(positional[0]!, positional[1]!, cwd);
  }
  return runConvert(argv, cwd);
}

process.exitCode = runConvertCommand(process.argv.slice(2), userCwd());
