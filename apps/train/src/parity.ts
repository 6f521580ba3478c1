// `pnpm parity [DIR] [--verbose]`: runs every *.safetensors golden fixture in DIR (default fixtures/parity)
// and exits non-zero when any fails. DIR is resolved against the directory pnpm was started from.
import { resolve } from 'node:path';
import { BACKENDS, getBackend, setBackend, type BackendName } from '@adder/tensor';
import { fileURLToPath } from 'node:url';
import { checkEnvironment } from './cli/environment';
import { CliError, runCli } from './cli/errors';
import { EXIT_CODES, EXIT_CODES_HELP } from './cli/exit-codes';
import { UsageError } from './cli/flags';
import { formatDetail, formatResult, formatSummary } from './parity/report';
import { runFolder } from './parity/run';

const DEFAULT_DIR = fileURLToPath(new URL('../../../fixtures/parity', import.meta.url));

const USAGE = `usage: pnpm parity [DIR] [--verbose] [--backend js|simd]
  runs every *.safetensors fixture in DIR (default: fixtures/parity); see fixtures/README.md
  --backend  kernel backend (default: ADDER_BACKEND, else simd where the runtime validates WebAssembly SIMD128)

${EXIT_CODES_HELP}`;

/** Takes --backend NAME or --backend=NAME out of argv; returns the backend or null, or throws naming the flag. */
function takeBackend(argv: string[]): BackendName | null {
  const i = argv.findIndex((a) => a === '--backend' || a.startsWith('--backend='));
  if (i < 0) return null;
  const inline = argv[i]!.startsWith('--backend=') ? argv[i]!.slice('--backend='.length) : undefined;
  const value = inline ?? argv[i + 1];
  argv.splice(i, inline === undefined ? 2 : 1);
  if (value === undefined || !(BACKENDS as readonly string[]).includes(value)) {
    throw new UsageError(`parity: --backend expects one of ${BACKENDS.join(', ')}, got ${value === undefined ? 'nothing' : `'${value}'`}`);
  }
  return value as BackendName;
}

function main(argvIn: string[]): number {
  const argv = [...argvIn];
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return EXIT_CODES.ok;
  }
  checkEnvironment('parity');
  const backend = takeBackend(argv);
  if (backend !== null) setBackend(backend);
  const verbose = argv.includes('--verbose') || argv.includes('-v');
  const unknown = argv.find((a) => a.startsWith('-') && a !== '--verbose' && a !== '-v');
  if (unknown !== undefined) throw new UsageError(`parity: unknown flag ${unknown}. See pnpm parity --help.`);
  console.log(`parity: backend ${getBackend()}`);
  const args = argv.filter((a) => !a.startsWith('-'));
  if (args.length > 1) throw new UsageError(`parity: expected at most one folder, got ${args.length}: ${args.join(' ')}`);
  const base = process.env.INIT_CWD ?? process.cwd();
  const dir = args[0] === undefined ? DEFAULT_DIR : resolve(base, args[0]);
  const t0 = performance.now();
  const results = runFolder(dir, (r) => {
    console.log(formatResult(r));
    if (verbose) for (const line of formatDetail(r)) console.log(line);
  });
  if (results.length === 0) throw new CliError('file', `parity: no *.safetensors fixtures in ${dir}`);
  console.log(formatSummary(results, (performance.now() - t0) / 1000));
  return results.every((r) => r.pass) ? EXIT_CODES.ok : EXIT_CODES.diverged;
}

runCli('parity', () => main(process.argv.slice(2)));
