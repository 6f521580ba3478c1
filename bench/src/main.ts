// `pnpm bench [--quick] [--list] [filter...]`: runs the registered suites, prints a table, writes results/latest.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MEASURE_FULL, MEASURE_QUICK, addComparisons, environment, formatTable, measure, type BenchResult } from './harness';
import { SUITES } from './cases/index';

const USAGE = `usage: pnpm bench [--quick] [--list] [filter ...]
  --quick   fewer repetitions and smaller sizes
  --list    print the suites and exit
  filter    run only cases whose "suite/case" name contains one of the filters (case-insensitive)`;

async function main(argv: readonly string[]): Promise<void> {
  const flags = argv.filter((a) => a.startsWith('--'));
  const filters = argv.filter((a) => !a.startsWith('--') && a !== '').map((f) => f.toLowerCase());
  for (const f of flags) {
    if (f !== '--quick' && f !== '--list' && f !== '--help') throw new Error(`bench: unknown flag ${f}\n${USAGE}`);
  }
  if (flags.includes('--help')) return void console.log(USAGE);
  if (flags.includes('--list')) {
    for (const s of SUITES) console.log(`${s.name.padEnd(12)} ${s.description}`);
    return;
  }
  const quick = flags.includes('--quick');
  const opts = quick ? MEASURE_QUICK : MEASURE_FULL;
  const env = environment();
  console.log(`${env.cpu} (${env.cores} cores), Node ${env.node}${quick ? ', --quick' : ''}`);
  const results: BenchResult[] = [];
  for (const suite of SUITES) {
    // a suite whose name matches runs whole; otherwise cases are matched one by one
    const name = suite.name.toLowerCase();
    const suiteMatches = filters.length === 0 || filters.some((f) => name.includes(f));
    // build a suite's cases (which may be costly) only if some filter could match one of them
    const mayMatch = suiteMatches || filters.some((f) => !f.includes('/') || name.includes(f.slice(0, f.indexOf('/'))));
    if (!mayMatch) continue;
    const cases = (await suite.cases(quick)).filter((c) => suiteMatches || filters.some((f) => `${suite.name}/${c.name}`.toLowerCase().includes(f)));
    for (const c of cases) {
      const r = await measure(suite.name, c, opts);
      await addComparisons(c, r);
      results.push(r);
      process.stdout.write(`  ${suite.name}/${c.name}: ${r.medianMs.toFixed(2)} ms${r.gflops === undefined ? '' : `, ${r.gflops.toFixed(2)} GFLOP/s`}\n`);
    }
  }
  if (results.length === 0) {
    console.log(`no case matches ${JSON.stringify(filters)}; try --list`);
    return;
  }
  console.log(`\n${formatTable(results)}`);
  const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'results', 'latest.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), quick, args: argv, ...env, results }, null, 2)}\n`);
  console.log(`\nwrote ${out}`);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
