// `pnpm parity [DIR] [--verbose]`: runs every *.safetensors golden fixture in DIR (default fixtures/parity)
// and exits non-zero when any fails. DIR is resolved against the directory pnpm was started from.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatDetail, formatResult, formatSummary } from './parity/report';
import { runFolder } from './parity/run';

const DEFAULT_DIR = fileURLToPath(new URL('../../../fixtures/parity', import.meta.url));

function main(argv: string[]): number {
  const verbose = argv.includes('--verbose') || argv.includes('-v');
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log('usage: pnpm parity [DIR] [--verbose]\n  runs every *.safetensors fixture in DIR (default: fixtures/parity); see fixtures/README.md');
    return 0;
  }
  const args = argv.filter((a) => !a.startsWith('-'));
  if (args.length > 1) {
    console.error(`parity: expected at most one folder, got ${args.length}: ${args.join(' ')}`);
    return 2;
  }
  const base = process.env.INIT_CWD ?? process.cwd();
  const dir = args[0] === undefined ? DEFAULT_DIR : resolve(base, args[0]);
  const t0 = performance.now();
  let results;
  try {
    results = runFolder(dir, (r) => {
      console.log(formatResult(r));
      if (verbose) for (const line of formatDetail(r)) console.log(line);
    });
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
  if (results.length === 0) {
    console.error(`parity: no *.safetensors fixtures in ${dir}`);
    return 1;
  }
  console.log(formatSummary(results, (performance.now() - t0) / 1000));
  return results.every((r) => r.pass) ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
