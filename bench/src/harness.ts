// The benchmark harness: warm up, repeat, take the median, and report a table plus a JSON record.
import { cpus } from 'node:os';

/** One measured operation. `run` is timed; `flops` / `items` per run turn the time into GFLOP/s or items/s. */
export interface BenchCase {
  /** Short name, unique within its suite (e.g. "512x512x512 f32"). */
  name: string;
  /** Floating-point operations per run (a multiply-add counts 2), for a GFLOP/s column. */
  flops?: number;
  /** Items per run (images, samples, steps) for an items/s column, with `unit` naming them. */
  items?: number;
  /** What `items` counts (default "items"). */
  unit?: string;
  /** The timed work. */
  run: () => void | Promise<void>;
  /** Other implementations' time for the same work, measured after ours (shown with the ratio). */
  peers?: () => PeerFigure[] | Promise<PeerFigure[]>;
  /** Peak resident memory of this work in MB, measured in a fresh process (or a note why not). */
  peakRss?: () => number | string;
  /** Timing settings of this case over the run's (fewer repetitions for cases that take seconds). */
  measure?: Partial<MeasureOptions>;
}

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

/** The measurement of one case. */
export interface BenchResult {
  suite: string;
  name: string;
  reps: number;
  medianMs: number;
  minMs: number;
  /** Median process CPU time (user + system) per run: close to the wall time on an idle machine, and a
   *  fairer figure than the wall time when other processes share the cores. */
  cpuMs: number;
  gflops?: number;
  /** GFLOP/s from the median CPU time. */
  gflopsCpu?: number;
  perSecond?: number;
  unit?: string;
  /** Peak RSS in MB from a fresh process (or a note). */
  peakRss?: number | string;
  /** Peers with ratio = their ms / our median ms (above 1: we are faster). */
  peers?: Array<PeerFigure & { ratio?: number }>;
}

/** Adds the peers' figures and the peak memory of a case to its measurement. */
export async function addComparisons(c: BenchCase, r: BenchResult): Promise<void> {
  if (c.peakRss) r.peakRss = c.peakRss();
  if (c.peers) r.peers = (await c.peers()).map((p) => (p.ms === undefined ? p : { ...p, ratio: p.ms / r.medianMs }));
}

function formatPeers(r: BenchResult): string {
  return (r.peers ?? [])
    .map((p) => `${p.peer}: ${p.ms === undefined ? '-' : `${p.ms.toFixed(1)} ms, x${p.ratio!.toFixed(1)}`}${p.peakRssMb === undefined ? '' : `, ${p.peakRssMb.toFixed(0)} MB`}${p.note ? ` (${p.note})` : ''}`)
    .join('; ');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Times `c.run` after warmup runs; the median is robust to the odd GC pause or a busy neighbour core. */
export async function measure(suite: string, c: BenchCase, runOpts: MeasureOptions): Promise<BenchResult> {
  const opts = { ...runOpts, ...c.measure };
  for (let i = 0; i < opts.warmup; i++) await c.run();
  const times: number[] = [];
  const cpuTimes: number[] = [];
  let spent = 0;
  while (times.length < opts.maxReps && (times.length < opts.minReps || spent < opts.minTimeMs)) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await c.run();
    const dt = performance.now() - t0;
    const dc = process.cpuUsage(c0);
    times.push(dt);
    cpuTimes.push((dc.user + dc.system) / 1000);
    spent += dt;
  }
  const med = median(times);
  const cpu = median(cpuTimes);
  const result: BenchResult = { suite, name: c.name, reps: times.length, medianMs: med, minMs: Math.min(...times), cpuMs: cpu };
  if (c.flops !== undefined) {
    result.gflops = c.flops / (med * 1e6);
    result.gflopsCpu = c.flops / (cpu * 1e6);
  }
  if (c.items !== undefined) {
    result.perSecond = c.items / (med / 1000);
    result.unit = c.unit ?? 'items';
  }
  return result;
}

/** Formats results as an aligned text table. */
export function formatTable(results: readonly BenchResult[]): string {
  const rows = results.map((r) => [
    r.suite, r.name, r.medianMs.toFixed(2), r.minMs.toFixed(2), r.cpuMs.toFixed(2), String(r.reps),
    r.gflops === undefined ? '' : r.gflops.toFixed(2),
    r.gflopsCpu === undefined ? '' : r.gflopsCpu.toFixed(2),
    r.perSecond === undefined ? '' : `${r.perSecond.toFixed(1)} ${r.unit}/s`,
    r.peakRss === undefined ? '' : typeof r.peakRss === 'number' ? `${r.peakRss.toFixed(0)} MB` : r.peakRss,
    formatPeers(r),
  ]);
  const head = ['suite', 'case', 'median ms', 'min ms', 'cpu ms', 'reps', 'GFLOP/s', 'GFLOP/s cpu', 'throughput', 'peak RSS', 'peers (their ms, x = their time / ours)'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 || i === cells.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The machine a run happened on, for the JSON record and BENCHMARKS.md. */
export function environment(): { cpu: string; cores: number; node: string; platform: string } {
  const list = cpus();
  return { cpu: list[0]?.model ?? 'unknown', cores: list.length, node: process.version, platform: `${process.platform}-${process.arch}` };
}
