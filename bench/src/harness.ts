// The benchmark harness: warm up, repeat, take the median; one row per case and backend (or peer), the ratios
// between rows, a table and a JSON record.
import { cpus } from 'node:os';

/**
 * One measured operation. An engine case (no `impl`) runs once per requested kernel backend (`js`, `simd`); a peer
 * case (`impl` set: "jax-js wasm", "torch", ...) runs once, and a case of the same name in the same suite is the
 * same work, so that the rows line up and get ratios.
 */
export interface BenchCase {
  /** Short name, unique within its suite for a given impl (e.g. "512x512x512 f32"). */
  name: string;
  /** Who runs the work when it is not this engine: a peer's name. Peer cases ignore --backend. */
  impl?: string;
  /** Floating-point operations per run (a multiply-add counts 2), for a GFLOP/s rate. */
  flops?: number;
  /** Items per run (images, G adder-ops, samples) for an items/s rate, with `unit` naming them. */
  items?: number;
  /** What `items` counts (default "items"). */
  unit?: string;
  /** The timed work (warmed up, then repeated). A case has `run` or `external`. */
  run?: () => void | Promise<void>;
  /** For work timed elsewhere (another process, e.g. PyTorch): runs it and returns its figures, or why it could not. */
  external?: () => ExternalFigure | Promise<ExternalFigure>;
  /** Other implementations' time for the same work, measured once after every backend's run (shown with the ratio). */
  peers?: () => PeerFigure[] | Promise<PeerFigure[]>;
  /** Peak resident memory of this work in a fresh process (called with the row's backend active), or a note why not. */
  peakRss?: () => RssFigure;
  /** Timing settings of this case over the run's (fewer repetitions for cases that take seconds). */
  measure?: Partial<MeasureOptions>;
  /** Other cases of the same suite to compare this one's rows with (beyond the automatic simd/js and peer ratios). */
  vs?: Versus[];
  /** What differs about this case's work (a peer's layout, threads, ...), read after it ran; shown in the notes column. */
  note?: () => string | undefined;
}

/** A comparison of a case's engine rows with the rows of another case of the same suite. */
export interface Versus {
  /** The other case's name. */
  name: string;
  /** Its impl (a peer's name); omitted: the engine row of the same backend (e.g. t2 against t1 on simd). */
  impl?: string;
  /** How to print it when impl is omitted (e.g. "t2/t1"). */
  label?: string;
  /** The ratio aimed at (printed with met / not met). */
  target?: number;
}

/** Figures of work timed in another process. */
export type ExternalFigure =
  | { medianMs: number; minMs: number; cpuMs?: number; reps: number; peakRssMb?: number; note?: string }
  | { skipped: string };

/** A peer's figure for a case: its time per run, or a note saying why there is none. */
export interface PeerFigure {
  /** Who (e.g. "torch-ref t2", "tfjs-cpu"). */
  peer: string;
  /** Milliseconds per run of the same work. */
  ms?: number;
  /** Peak RSS of the peer's process in MB, when known. */
  peakRssMb?: number;
  /** What differs, or why the peer was skipped. */
  note?: string;
}

/** Peak RSS in MB, optionally with the RSS before the work (so the work's own share shows), or a note why none. */
export type RssFigure = number | string | { peakMb: number; baselineMb: number };

/** A group of cases registered in cases/index.ts; `cases(quick)` builds them lazily (quick = fewer, smaller). */
export interface BenchSuite {
  name: string;
  description: string;
  cases: (quick: boolean) => BenchCase[] | Promise<BenchCase[]>;
}

/** Timing settings: warmup runs, then repeat until both minReps and minTimeMs are met (or maxReps). */
export interface MeasureOptions {
  warmup: number;
  minReps: number;
  maxReps: number;
  minTimeMs: number;
}

/** Timing settings of a full run. */
export const MEASURE_FULL: MeasureOptions = { warmup: 2, minReps: 5, maxReps: 50, minTimeMs: 1500 };
/** Timing settings of a --quick run. */
export const MEASURE_QUICK: MeasureOptions = { warmup: 1, minReps: 2, maxReps: 10, minTimeMs: 200 };

/** The measurement of one case on one backend (impl "js" / "simd") or by one peer. */
export interface BenchResult {
  suite: string;
  name: string;
  /** "js" or "simd" for this engine's rows, else the peer's name. */
  impl: string;
  reps: number;
  medianMs: number;
  minMs: number;
  /** Median process CPU time (user + system) per run: close to the wall time on an idle machine, and a
   *  fairer figure than the wall time when other processes share the cores. Absent when the peer did not say. */
  cpuMs?: number;
  gflops?: number;
  /** GFLOP/s from the median CPU time. */
  gflopsCpu?: number;
  perSecond?: number;
  /** items/s from the median CPU time. */
  perSecondCpu?: number;
  unit?: string;
  /** Peak RSS in MB from a fresh process (or a note). */
  peakRss?: number | string;
  /** The RSS of that process before the work, when the probe reports it. */
  baselineRssMb?: number;
  /** Peers with ratio = their ms / our median ms (above 1: we are faster). */
  peers?: Array<PeerFigure & { ratio?: number }>;
  /** What differs about this row (e.g. a peer's layout or thread count). */
  note?: string;
}

/** A case that did not run on one backend or peer, and why. */
export interface SkippedResult {
  suite: string;
  name: string;
  impl: string;
  /** "skipped: ..." for a peer that cannot run here, "failed: ..." for an error of the engine. */
  skipped: string;
  /** True when the engine itself failed (the run then exits non-zero). */
  failed?: boolean;
}

/** A row of the table. */
export type BenchRow = BenchResult | SkippedResult;

/** True for a row that has figures. */
export function isMeasured(r: BenchRow): r is BenchResult {
  return !('skipped' in r);
}

/** A ratio between two rows: `a` over `b` as B's time / A's time (above 1: A is faster). */
export interface Ratio {
  suite: string;
  name: string;
  /** What is compared, e.g. "simd/js", "simd/jax-js wasm", "simd: t2/t1", "simd/torch (train step resnet20-cnn b32 t2)". */
  label: string;
  ratio: number;
  target?: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Fills in the rates of a result from its times and the case's flops / items. */
function withRates(c: BenchCase, r: BenchResult): BenchResult {
  if (c.flops !== undefined) {
    r.gflops = c.flops / (r.medianMs * 1e6);
    if (r.cpuMs !== undefined) r.gflopsCpu = c.flops / (r.cpuMs * 1e6);
  }
  if (c.items !== undefined) {
    r.perSecond = c.items / (r.medianMs / 1000);
    if (r.cpuMs !== undefined) r.perSecondCpu = c.items / (r.cpuMs / 1000);
    r.unit = c.unit ?? 'items';
  }
  return r;
}

/** Times `c.run` after warmup runs (or asks `c.external`); the median is robust to the odd GC pause or a busy neighbour core. */
export async function measure(suite: string, impl: string, c: BenchCase, runOpts: MeasureOptions): Promise<BenchRow> {
  if (c.external) {
    const f = await c.external();
    if ('skipped' in f) return { suite, name: c.name, impl, skipped: f.skipped };
    const r: BenchResult = { suite, name: c.name, impl, reps: f.reps, medianMs: f.medianMs, minMs: f.minMs };
    if (f.cpuMs !== undefined) r.cpuMs = f.cpuMs;
    if (f.peakRssMb !== undefined) r.peakRss = f.peakRssMb;
    if (f.note !== undefined) r.note = f.note;
    return withRates(c, r);
  }
  const run = c.run;
  if (!run) throw new Error(`bench case ${suite}/${c.name} has neither run nor external`);
  const opts = { ...runOpts, ...c.measure };
  for (let i = 0; i < opts.warmup; i++) await run();
  const times: number[] = [];
  const cpuTimes: number[] = [];
  let spent = 0;
  while (times.length < opts.maxReps && (times.length < opts.minReps || spent < opts.minTimeMs)) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await run();
    const dt = performance.now() - t0;
    const dc = process.cpuUsage(c0);
    times.push(dt);
    cpuTimes.push((dc.user + dc.system) / 1000);
    spent += dt;
  }
  const r: BenchResult = { suite, name: c.name, impl, reps: times.length, medianMs: median(times), minMs: Math.min(...times), cpuMs: median(cpuTimes) };
  const note = c.note?.();
  if (note !== undefined) r.note = note;
  return withRates(c, r);
}

/** Adds a case's peak memory (measured now, on the active backend) to its row. */
export function addPeakRss(c: BenchCase, r: BenchResult): void {
  if (!c.peakRss) return;
  const m = c.peakRss();
  if (typeof m === 'object') {
    r.peakRss = m.peakMb;
    r.baselineRssMb = m.baselineMb;
  } else {
    r.peakRss = m;
  }
}

/** Measures a case's peers once and gives each of its rows their figures with the ratio to that row. */
export async function addPeers(c: BenchCase, rows: readonly BenchRow[]): Promise<void> {
  if (!c.peers) return;
  const figures = await c.peers();
  for (const r of rows) {
    if (isMeasured(r)) r.peers = figures.map((p) => (p.ms === undefined ? p : { ...p, ratio: p.ms / r.medianMs }));
  }
}

/** The names of this engine's rows (every other impl is a peer). */
export const ENGINE_IMPLS: readonly string[] = ['js', 'simd'];

/** B's time / A's time for the same work, or A's rate / B's rate when both have one in the same unit (above 1: A is faster). */
function speedRatio(a: BenchResult, b: BenchResult): number {
  if (a.perSecond !== undefined && b.perSecond !== undefined && a.unit === b.unit) return a.perSecond / b.perSecond;
  return b.medianMs / a.medianMs;
}

/**
 * The ratios between rows: within each case, simd/js and every engine row over every peer row; then each case's
 * `vs` comparisons. `versus` maps "suite/name" to the case's `vs` list.
 */
export function computeRatios(rows: readonly BenchRow[], versus: ReadonlyMap<string, readonly Versus[]>): Ratio[] {
  const measured = rows.filter(isMeasured);
  const groups = new Map<string, BenchResult[]>();
  for (const r of measured) {
    const key = `${r.suite}/${r.name}`;
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  const out: Ratio[] = [];
  for (const [key, g] of groups) {
    const ours = g.filter((r) => ENGINE_IMPLS.includes(r.impl));
    const peers = g.filter((r) => !ENGINE_IMPLS.includes(r.impl));
    const { suite, name } = g[0]!;
    const js = ours.find((r) => r.impl === 'js');
    const simd = ours.find((r) => r.impl === 'simd');
    if (js && simd) out.push({ suite, name, label: 'simd/js', ratio: speedRatio(simd, js) });
    for (const p of peers) for (const o of ours) out.push({ suite, name, label: `${o.impl}/${p.impl}`, ratio: speedRatio(o, p) });
    for (const v of versus.get(key) ?? []) {
      const other = groups.get(`${suite}/${v.name}`) ?? [];
      for (const o of ours) {
        const b = other.find((r) => r.impl === (v.impl ?? o.impl));
        if (!b) continue;
        const label = v.impl === undefined ? `${o.impl}: ${v.label ?? `vs ${v.name}`}` : `${o.impl}/${v.impl} (${v.name})`;
        const ratio: Ratio = { suite, name, label, ratio: speedRatio(o, b) };
        if (v.target !== undefined) ratio.target = v.target;
        out.push(ratio);
      }
    }
  }
  return out;
}

/** The ratios as lines, one per case. */
export function formatRatios(ratios: readonly Ratio[]): string {
  const byCase = new Map<string, string[]>();
  for (const r of ratios) {
    const key = `${r.suite}/${r.name}`;
    const target = r.target === undefined ? '' : ` (target ${r.target.toFixed(2)}: ${r.ratio >= r.target ? 'met' : 'not met'})`;
    const text = `${r.label} ${r.ratio.toFixed(2)}${target}`;
    const list = byCase.get(key);
    if (list) list.push(text);
    else byCase.set(key, [text]);
  }
  const width = Math.max(0, ...[...byCase.keys()].map((k) => k.length));
  return [...byCase].map(([k, list]) => `  ${k.padEnd(width)}  ${list.join('; ')}`).join('\n');
}

function formatPeers(r: BenchResult): string {
  return (r.peers ?? [])
    .map((p) => `${p.peer}: ${p.ms === undefined ? '-' : `${p.ms.toFixed(1)} ms, x${p.ratio!.toFixed(2)}`}${p.peakRssMb === undefined ? '' : `, ${p.peakRssMb.toFixed(0)} MB`}${p.note ? ` (${p.note})` : ''}`)
    .join('; ');
}

/** "12.34 GFLOP/s" for flop-counted work, else "56.7 img/s" / "1.23 G adder-op/s". */
function rate(gflops: number | undefined, perSecond: number | undefined, unit: string | undefined): string {
  if (gflops !== undefined) return `${gflops.toFixed(2)} GFLOP/s`;
  if (perSecond === undefined) return '';
  return `${perSecond >= 100 ? perSecond.toFixed(0) : perSecond.toFixed(2)} ${unit}/s`;
}

function rss(r: BenchResult): string {
  if (r.peakRss === undefined) return '';
  if (typeof r.peakRss === 'string') return r.peakRss;
  return `${r.peakRss.toFixed(0)} MB${r.baselineRssMb === undefined ? '' : ` (+${(r.peakRss - r.baselineRssMb).toFixed(0)})`}`;
}

/** Formats rows as an aligned text table. */
export function formatTable(rows: readonly BenchRow[]): string {
  const cells = rows.map((r) => {
    if (!isMeasured(r)) return [r.suite, r.name, r.impl, '', '', '', '', '', '', '', r.skipped];
    const notes = [r.note, formatPeers(r)].filter((s) => s !== undefined && s !== '').join('; ');
    return [
      r.suite, r.name, r.impl, r.medianMs.toFixed(2), r.minMs.toFixed(2), r.cpuMs === undefined ? '' : r.cpuMs.toFixed(2), String(r.reps),
      rate(r.gflops, r.perSecond, r.unit), rate(r.gflopsCpu, r.perSecondCpu, r.unit), rss(r), notes,
    ];
  });
  const head = ['suite', 'case', 'impl', 'median ms', 'min ms', 'cpu ms', 'reps', 'rate', 'rate (cpu)', 'peak RSS', 'notes; peers (their ms, x = their time / ours)'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const line = (cs: string[]) => cs.map((c, i) => (i < 3 || i === cs.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

/** The machine a run happened on, for the JSON record and BENCHMARKS.md. */
export function environment(): { cpu: string; cores: number; node: string; platform: string } {
  const list = cpus();
  return { cpu: list[0]?.model ?? 'unknown', cores: list.length, node: process.version, platform: `${process.platform}-${process.arch}` };
}
