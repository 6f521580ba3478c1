// curves.svg: loss and accuracy curves as a real chart (two panels, axes with ticks, a legend).

/** One line of the chart: a name, a colour and one y value per epoch (null = missing). */
export interface Series {
  name: string;
  color: string;
  values: (number | null)[];
}

/** A panel: a title, a y-axis label and its series. */
export interface Panel {
  title: string;
  yLabel: string;
  series: Series[];
}

const W = 420;
const H = 300;
const M = { left: 56, right: 16, top: 32, bottom: 44 };

function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-9 * step; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/** Escapes text and attribute values (both quote kinds, since names go into attributes). */
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

function renderPanel(p: Panel, epochs: number, dx: number): string {
  const all = p.series.flatMap((s) => s.values.filter((v): v is number => v !== null && Number.isFinite(v)));
  let lo = all.length ? Math.min(...all) : 0;
  let hi = all.length ? Math.max(...all) : 1;
  if (hi - lo < 1e-9) [lo, hi] = [lo - 0.5, hi + 0.5];
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const xOf = (e: number): number => M.left + (epochs <= 1 ? pw / 2 : ((e - 1) / (epochs - 1)) * pw);
  const yOf = (v: number): number => M.top + ph - ((v - lo) / (hi - lo)) * ph;
  const out: string[] = [`<g transform="translate(${dx},0)">`];
  out.push(`<text x="${W / 2}" y="18" text-anchor="middle" font-size="14" font-weight="bold">${esc(p.title)}</text>`);
  out.push(`<line x1="${M.left}" y1="${M.top + ph}" x2="${M.left + pw}" y2="${M.top + ph}" stroke="#000"/>`);
  out.push(`<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${M.top + ph}" stroke="#000"/>`);
  for (const t of niceTicks(lo, hi)) {
    const y = yOf(t).toFixed(1);
    out.push(`<line x1="${M.left - 4}" y1="${y}" x2="${M.left}" y2="${y}" stroke="#000"/><text x="${M.left - 6}" y="${y}" font-size="10" text-anchor="end" dominant-baseline="middle">${t}</text>`);
  }
  for (const t of niceTicks(1, Math.max(epochs, 1), Math.min(epochs, 8)).filter((e) => Number.isInteger(e))) {
    const x = xOf(t).toFixed(1);
    out.push(`<line x1="${x}" y1="${M.top + ph}" x2="${x}" y2="${M.top + ph + 4}" stroke="#000"/><text x="${x}" y="${M.top + ph + 16}" font-size="10" text-anchor="middle">${t}</text>`);
  }
  out.push(`<text class="x-label" x="${M.left + pw / 2}" y="${H - 8}" font-size="12" text-anchor="middle">epoch</text>`);
  out.push(`<text class="y-label" x="14" y="${M.top + ph / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 14 ${M.top + ph / 2})">${esc(p.yLabel)}</text>`);
  p.series.forEach((s, i) => {
    const pts = s.values.map((v, e) => (v === null || !Number.isFinite(v) ? null : `${xOf(e + 1).toFixed(1)},${yOf(v).toFixed(1)}`)).filter((x): x is string => x !== null);
    out.push(`<polyline data-series="${esc(s.name)}" fill="none" stroke="${s.color}" stroke-width="2" points="${pts.join(' ')}"/>`);
    const ly = M.top + 6 + i * 14;
    out.push(`<g class="legend"><line x1="${M.left + pw - 90}" y1="${ly}" x2="${M.left + pw - 74}" y2="${ly}" stroke="${s.color}" stroke-width="2"/><text x="${M.left + pw - 70}" y="${ly}" font-size="10" dominant-baseline="middle">${esc(s.name)}</text></g>`);
  });
  out.push('</g>');
  return out.join('\n');
}

/** Renders panels side by side as a standalone SVG document. */
export function renderCurvesSvg(panels: Panel[], epochs: number): string {
  const body = panels.map((p, i) => renderPanel(p, epochs, i * W)).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="${W * panels.length}" height="${H}" viewBox="0 0 ${W * panels.length} ${H}" font-family="sans-serif">\n<rect width="100%" height="100%" fill="#fff"/>\n${body}\n</svg>\n`;
}
