// A small terminal chart of one series (test accuracy per epoch), drawn with plain characters.

/** Renders values (one per epoch) as columns of '#', `height` rows tall, over the y range [min, max]. */
export function terminalChart(title: string, values: number[], range: { min: number; max: number }, height = 8): string {
  if (values.length === 0) return `${title}: no data`;
  const { min, max } = range;
  const span = max - min;
  const rows: string[] = [];
  for (let r = height - 1; r >= 0; r--) {
    // row r covers [min + span*r/height, min + span*(r+1)/height); a column fills the rows up to its value
    const level = min + (span * (r + 0.5)) / height;
    const label = (min + (span * (r + 1)) / height).toFixed(0).padStart(6);
    rows.push(`${label} |${values.map((v) => (v >= level ? '##' : '  ')).join(' ')}`);
  }
  rows.push(`${' '.repeat(7)}+${'-'.repeat(values.length * 3)}`);
  rows.push(`${' '.repeat(8)}${values.map((_, i) => String(i + 1).padStart(2)).join(' ')}  (epoch)`);
  rows.push(`${' '.repeat(8)}${values.map((v) => v.toFixed(0).padStart(2)).join(' ')}  (value)`);
  return `${title}\n${rows.join('\n')}`;
}
