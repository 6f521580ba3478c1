// A small terminal chart of one series (test accuracy per epoch), drawn with plain characters.

/** Renders values (one per epoch) as rows of text, `height` lines tall. */
export function terminalChart(title: string, values: number[], height = 8): string {
  if (values.length === 0) return `${title}: no data`;
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const span = hi - lo || 1;
  const rows: string[] = [];
  for (let r = height - 1; r >= 0; r--) {
    const level = lo + (span * (r + 0.5)) / height;
    const label = (lo + (span * r) / (height - 1 || 1)).toFixed(1).padStart(6);
    rows.push(`${label} |${values.map((v) => (v >= level ? '#' : ' ')).join('')}`);
  }
  rows.push(`${' '.repeat(7)}+${'-'.repeat(values.length)}`);
  rows.push(`${' '.repeat(8)}epoch 1..${values.length}`);
  return `${title}\n${rows.join('\n')}`;
}
