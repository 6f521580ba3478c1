// The table `pnpm train --seeds` prints after its runs: per seed, and the mean and spread over the seeds.

/** One finished run of a --seeds series. */
export interface SeedResult {
  seed: number;
  dir: string;
  bestAcc: number;
  lastAcc: number | null;
  /** wall time of the whole run, data loading and evaluation included */
  seconds: number;
}

/** Mean and sample standard deviation (n - 1; 0 for one value). */
export function meanStd(xs: readonly number[]): { mean: number; std: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const v = xs.length > 1 ? xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1) : 0;
  return { mean, std: Math.sqrt(v) };
}

const pct = (x: number | null): string => (x === null ? 'n/a' : `${(100 * x).toFixed(2)}%`);
const clock = (s: number): string => `${Math.floor(s / 60)}:${String(Math.round(s % 60)).padStart(2, '0')}`;

/** A markdown table of the runs, then mean +- std of the last and best test accuracy and of the wall time. */
export function formatSeedSummary(results: readonly SeedResult[]): string {
  if (results.length === 0) return 'seeds: no run finished';
  const lines = ['| seed | last test acc | best test acc | wall time | run folder |', '|---|---|---|---|---|'];
  for (const r of results) lines.push(`| ${r.seed} | ${pct(r.lastAcc)} | ${pct(r.bestAcc)} | ${clock(r.seconds)} | ${r.dir} |`);
  const last = results.map((r) => r.lastAcc).filter((x): x is number => x !== null);
  const fmt = (xs: number[]): string => {
    const { mean, std } = meanStd(xs);
    return `${(100 * mean).toFixed(2)}% +- ${(100 * std).toFixed(2)}`;
  };
  const t = meanStd(results.map((r) => r.seconds));
  lines.push('', `over ${results.length} seed(s): last ${last.length ? fmt(last) : 'n/a'}, best ${fmt(results.map((r) => r.bestAcc))}, min last ${last.length ? pct(Math.min(...last)) : 'n/a'}, wall ${clock(t.mean)} +- ${t.std.toFixed(0)} s`);
  return lines.join('\n');
}
