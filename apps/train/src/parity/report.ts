// Formatting parity results: one line per fixture, the summary, and per-tensor detail on request.
import type { Comparison, FixtureResult } from './types';

const e = (v: number): string => (Number.isNaN(v) ? 'NaN' : v === 0 ? '0' : v.toExponential(1));

function one(c: Comparison): string {
  if (c.problem !== undefined) return `${c.name} ${c.problem}`;
  return `${c.name} abs ${e(c.maxAbs)} rel ${e(c.maxRel)}${c.pass ? '' : ` > ${e(c.bound)}`}`;
}

/** Groups comparisons named `grad.<key>` / `state.<key>` into one entry each (the worst member and a count). */
function groups(cs: Comparison[]): string[] {
  const out: string[] = [];
  const grouped = new Map<string, Comparison[]>();
  for (const c of cs) {
    const dot = c.name.indexOf('.');
    const fam = dot > 0 && (c.name.startsWith('grad.') || c.name.startsWith('state.')) ? c.name.slice(0, dot) : null;
    if (fam === null) out.push(one(c));
    else grouped.set(fam, [...(grouped.get(fam) ?? []), c]);
  }
  for (const [fam, members] of grouped) {
    const failed = members.filter((c) => !c.pass);
    const worst = members.reduce((a, b) => (b.maxRel > a.maxRel || Number.isNaN(b.maxRel) ? b : a));
    const head = `${fam}.* (${members.length} tensors${failed.length ? `, ${failed.length} FAILED` : ''}) worst ${one(worst)}`;
    out.push(failed.length ? `${head}; failed: ${failed.slice(0, 4).map(one).join(', ')}${failed.length > 4 ? ', ...' : ''}` : head);
  }
  return out;
}

/** One line: name, PASS/FAIL, then max abs and rel error per compared tensor (families grouped). */
export function formatResult(r: FixtureResult, width = 44): string {
  const parts = groups(r.comparisons);
  if (r.error !== undefined) parts.push(`ERROR ${r.error}`);
  return `${r.name.padEnd(width)} ${r.pass ? 'PASS' : 'FAIL'}  ${parts.join(' | ')}`;
}

/** Every comparison of a fixture on its own line (for --verbose). */
export function formatDetail(r: FixtureResult): string[] {
  return r.comparisons.map((c) => `    ${c.pass ? 'ok  ' : 'FAIL'} ${one(c)} (bound ${e(c.bound)})`);
}

/** The closing summary. */
export function formatSummary(results: FixtureResult[], seconds: number): string {
  const failed = results.filter((r) => !r.pass);
  const head = `${results.length} fixtures: ${results.length - failed.length} passed, ${failed.length} failed (${seconds.toFixed(1)} s)`;
  return failed.length ? `${head}\nfailed: ${failed.map((r) => r.name).join(', ')}` : head;
}
