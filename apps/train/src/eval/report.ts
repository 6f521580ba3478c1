// Text report of an evaluation: top-1/top-5, per-class accuracy and the confusion matrix.
import { type EvalResult, perClassAccuracy } from './evaluate';

const pct = (x: number): string => (Number.isNaN(x) ? '   n/a' : `${(100 * x).toFixed(2).padStart(6)}%`);

/** The largest confusion matrix printed in full; beyond it the most frequent confusions are listed. */
export const FULL_MATRIX_MAX_CLASSES = 20;

/** Formats the result as lines of text (class names label the rows). */
export function formatEvalReport(r: EvalResult, classNames: readonly string[]): string[] {
  const lines: string[] = [];
  const correct = Math.round(r.top1 * r.count);
  lines.push(`top-1 accuracy ${(100 * r.top1).toFixed(2)}% (${correct}/${r.count})   top-5 accuracy ${(100 * r.top5).toFixed(2)}%   mean loss ${r.loss.toFixed(4)}`);
  lines.push('');
  lines.push('per-class accuracy:');
  const perClass = perClassAccuracy(r.confusion);
  const width = Math.max(...classNames.map((c) => c.length), 5);
  perClass.forEach((acc, c) => {
    const row = r.confusion[c]!;
    const total = row.reduce((a, b) => a + b, 0);
    lines.push(`  ${String(c).padStart(3)} ${(classNames[c] ?? `class ${c}`).padEnd(width)} ${pct(acc)}  (${row[c]}/${total})`);
  });
  lines.push('');
  const k = r.confusion.length;
  if (k <= FULL_MATRIX_MAX_CLASSES) {
    lines.push('confusion matrix (rows: true class, columns: predicted class):');
    const cell = Math.max(4, String(r.count).length + 1);
    lines.push(`${' '.repeat(6)}${Array.from({ length: k }, (_, j) => String(j).padStart(cell)).join('')}`);
    r.confusion.forEach((row, i) => lines.push(`  ${String(i).padStart(3)} ${row.map((v) => String(v).padStart(cell)).join('')}`));
  } else {
    const pairs: { t: number; p: number; n: number }[] = [];
    r.confusion.forEach((row, t) => row.forEach((n, p) => t !== p && n > 0 && pairs.push({ t, p, n })));
    pairs.sort((a, b) => b.n - a.n || a.t - b.t || a.p - b.p);
    lines.push(`confusion matrix: ${k}x${k}, too large to print; the most frequent confusions (true -> predicted: count):`);
    for (const { t, p, n } of pairs.slice(0, 15)) lines.push(`  ${classNames[t] ?? t} -> ${classNames[p] ?? p}: ${n}`);
    if (pairs.length === 0) lines.push('  none');
  }
  return lines;
}

/** The predictions CSV: a header, then `index,label,predicted` per example in dataset order. */
export function predictionsCsv(r: EvalResult): string {
  const rows = ['index,label,predicted'];
  for (let i = 0; i < r.count; i++) rows.push(`${i},${r.labels[i]},${r.predictions[i]}`);
  return `${rows.join('\n')}\n`;
}
