// `pnpm bench [--quick] [--list] [--backend js|simd|both] [--skip pattern] [filter...]`: runs the registered suites on
// each requested kernel backend next to the peers, prints a table and the ratios, writes results/latest.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getNumThreads, listKernels, setBackend, setNumThreads, type BackendName } from '@adder/tensor';
import {
  MEASURE_FULL, MEASURE_QUICK, addPeakRss, addPeers, computeRatios, environment, formatRatios, formatTable, isMeasured, measure,
  type BenchCase, type BenchRow, type Versus,
} from './harness';
import { SUITES } from './cases/index';

const USAGE = `usage: pnpm bench [--quick] [--list] [--backend js|simd|both] [--skip pattern[,pattern]] [filter ...]
  --quick           fewer repetitions and smaller sizes
  --list            print the suites and exit
  --backend B       kernel backend(s) of the engine rows: js, simd or both (default: both, or ADDER_BACKEND when set)
  --skip P          leave out cases whose "suite/case [impl]" contains P (repeatable, or comma-separated)
  filter            run only cases whose "suite/case [impl]" contains one of the filters (case-insensitive)`;

/** What the command line asks for. */
interface Args {
  quick: boolean;
  list: boolean;
  help: boolean;
  backends: BackendName[];
  filters: string[];
  skips: string[];
}

/** A usage error: printed as one line, exit code 2. */
class UsageError extends Error {}

function parseBackends(value: string | undefined, source: string): BackendName[] {
  const v = value?.trim().toLowerCase();
  if (v === 'js' || v === 'simd') return [v];
  if (v === 'both') return ['js', 'simd'];
  throw new UsageError(`bench: ${source} expects js, simd or both, got ${value === undefined ? 'nothing' : JSON.stringify(value)}`);
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { quick: false, list: false, help: false, backends: [], filters: [], skips: [] };
  let backendFlag: string | undefined;
  let sawBackend = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '' || a === '--') continue;
    if (!a.startsWith('--')) {
      args.filters.push(a.toLowerCase());
      continue;
    }
    const eq = a.indexOf('=');
    const flag = eq < 0 ? a : a.slice(0, eq);
    // a flag's value: after "=", else the next argument
    const value = (): string | undefined => (eq >= 0 ? a.slice(eq + 1) : argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--') ? argv[++i] : undefined);
    if (flag === '--quick') args.quick = true;
    else if (flag === '--list') args.list = true;
    else if (flag === '--help') args.help = true;
    else if (flag === '--backend') {
      sawBackend = true;
      backendFlag = value();
    } else if (flag === '--skip') {
      const v = value();
      if (v === undefined || v.trim() === '') throw new UsageError('bench: --skip expects a pattern, e.g. --skip torch-ref');
      args.skips.push(...v.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== ''));
    } else {
      throw new Error(`bench: unknown flag ${a}\n${USAGE}`);
    }
  }
  if (sawBackend) args.backends = parseBackends(backendFlag, '--backend');
  else {
    const env = process.env.ADDER_BACKEND;
    args.backends = env !== undefined && env.trim() !== '' ? parseBackends(env, 'ADDER_BACKEND') : ['js', 'simd'];
  }
  return args;
}

/** The text filters and --skip match against: "suite/case", plus " [impl]" for a peer's case. */
function caseId(suite: string, c: BenchCase): string {
  return `${suite}/${c.name}${c.impl === undefined ? '' : ` [${c.impl}]`}`.toLowerCase();
}

/** The backends that can run here: simd is refused where the runtime lacks WebAssembly SIMD128. */
function usableBackends(wanted: readonly BackendName[]): BackendName[] {
  const ok: BackendName[] = [];
  for (const b of wanted) {
    try {
      setBackend(b);
      ok.push(b);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      if (wanted.length === 1) throw new UsageError(`bench: --backend ${b}: ${why}`);
      console.log(`note: backend ${b} skipped: ${why}`);
    }
  }
  return ok;
}

function errorText(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!.trim();
}

function progress(row: BenchRow): void {
  const id = `${row.suite}/${row.name} [${row.impl}]`;
  if (!isMeasured(row)) return void process.stdout.write(`  ${id}: ${row.skipped}\n`);
  const rate = row.gflops !== undefined ? `, ${row.gflops.toFixed(2)} GFLOP/s` : row.perSecond !== undefined ? `, ${row.perSecond.toFixed(2)} ${row.unit}/s` : '';
  process.stdout.write(`  ${id}: ${row.medianMs.toFixed(2)} ms${rate}\n`);
}

async function main(argv: readonly string[]): Promise<void> {
  const args = parseArgs(argv);
  if (args.help) return void console.log(USAGE);
  if (args.list) {
    for (const s of SUITES) console.log(`${s.name.padEnd(12)} ${s.description}`);
    return;
  }
  const backends = usableBackends(args.backends);
  const { quick, filters, skips } = args;
  const opts = quick ? MEASURE_QUICK : MEASURE_FULL;
  const env = environment();
  const threads = getNumThreads();
  const simdKernels = listKernels().filter((k) => k.backends.includes('simd')).map((k) => k.name);
  console.log(`${env.cpu} (${env.cores} cores), Node ${env.node}${quick ? ', --quick' : ''}; backends: ${backends.join(', ')}; ${threads} threads by default`);
  console.log(`kernels with a simd implementation (the others run their js twin on simd too): ${simdKernels.join(', ') || 'none'}`);
  const rows: BenchRow[] = [];
  const versus = new Map<string, Versus[]>();
  for (const suite of SUITES) {
    const name = suite.name.toLowerCase();
    // every case of a suite whose name contains a skip pattern would be skipped: do not even build it
    if (skips.some((s) => name.includes(s))) continue;
    // a suite whose name matches runs whole; otherwise cases are matched one by one
    const suiteMatches = filters.length === 0 || filters.some((f) => name.includes(f));
    // build a suite's cases (which may be costly) only if some filter could match one of them
    const mayMatch = suiteMatches || filters.some((f) => !f.includes('/') || name.includes(f.slice(0, f.indexOf('/'))));
    if (!mayMatch) continue;
    setNumThreads(threads); // a suite that set its own thread count does not leak it into the next
    const cases = (await suite.cases(quick)).filter((c) => {
      const id = caseId(suite.name, c);
      return (suiteMatches || filters.some((f) => id.includes(f))) && !skips.some((s) => id.includes(s));
    });
    for (const c of cases) {
      if (c.vs) versus.set(`${suite.name}/${c.name}`, c.vs);
      const caseRows: BenchRow[] = [];
      if (c.impl !== undefined) {
        // a peer: runs once; one that cannot run here says why instead of stopping the bench
        try {
          caseRows.push(await measure(suite.name, c.impl, c, opts));
        } catch (e) {
          caseRows.push({ suite: suite.name, name: c.name, impl: c.impl, skipped: `skipped: ${errorText(e)}` });
        }
      } else {
        for (const b of backends) {
          setBackend(b);
          let row: BenchRow;
          try {
            row = await measure(suite.name, b, c, opts);
            if (isMeasured(row)) addPeakRss(c, row);
          } catch (e) {
            row = { suite: suite.name, name: c.name, impl: b, skipped: `failed: ${errorText(e)}`, failed: true };
          }
          caseRows.push(row);
        }
      }
      try {
        await addPeers(c, caseRows);
      } catch (e) {
        for (const r of caseRows) if (isMeasured(r)) r.peers = [{ peer: 'peers', note: `failed: ${errorText(e)}` }];
      }
      for (const r of caseRows) progress(r);
      rows.push(...caseRows);
    }
  }
  if (rows.length === 0) {
    console.log(`no case matches ${JSON.stringify(filters)}${skips.length ? ` without ${JSON.stringify(skips)}` : ''}; try --list`);
    return;
  }
  const ratios = computeRatios(rows, versus);
  console.log(`\n${formatTable(rows)}`);
  if (ratios.length > 0) console.log(`\nratios A/B = B's time / A's time (above 1: A is faster; js, simd = this engine's backends)\n${formatRatios(ratios)}`);
  const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'results', 'latest.json');
  mkdirSync(dirname(out), { recursive: true });
  // kernels may register on first use: list them again now
  const record = {
    date: new Date().toISOString(), quick, args: argv, backends, threads,
    simdKernels: listKernels().filter((k) => k.backends.includes('simd')).map((k) => k.name), ...env, results: rows, ratios,
  };
  writeFileSync(out, `${JSON.stringify(record, null, 2)}\n`);
  console.log(`\nwrote ${out}`);
  const failed = rows.filter((r) => !isMeasured(r) && r.failed === true);
  if (failed.length > 0) {
    console.error(`${failed.length} engine case(s) failed: ${failed.map((r) => `${r.suite}/${r.name} [${r.impl}]`).join(', ')}`);
    process.exitCode = 1;
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(e instanceof UsageError ? 2 : 1);
});
