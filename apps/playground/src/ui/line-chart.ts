// A small SVG line chart: several named series over the step axis, and vertical markers (the mid-run edits).
const SVG = 'http://www.w3.org/2000/svg';
const W = 420;
const H = 200;
const PAD = { left: 48, right: 10, top: 34, bottom: 24 };

export interface Series {
  name: string;
  color: string;
  points: Array<[number, number]>;
  dashed?: boolean;
}

function el<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

function fmt(v: number): string {
  const a = Math.abs(v);
  return a !== 0 && (a < 0.01 || a >= 10000) ? v.toExponential(1) : Number(v.toPrecision(3)).toString();
}

export class LineChart {
  readonly svg: SVGSVGElement;
  private readonly series = new Map<string, Series>();
  private readonly markers: Array<{ x: number; label: string }> = [];
  private dirty = false;

  constructor(parent: HTMLElement, readonly title: string, readonly id: string) {
    this.svg = el('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', 'data-chart': id, 'data-points': 0 });
    parent.appendChild(this.svg);
    this.render();
  }

  /** Appends a point to a series (created on first use). */
  add(name: string, color: string, x: number, y: number, dashed = false): void {
    if (!Number.isFinite(y)) return;
    let s = this.series.get(name);
    if (s === undefined) {
      s = { name, color, points: [], dashed };
      this.series.set(name, s);
    }
    s.points.push([x, y]);
    this.schedule();
  }

  /** A vertical line at step x with a label. */
  mark(x: number, label: string): void {
    this.markers.push({ x, label });
    this.schedule();
  }

  clear(): void {
    this.series.clear();
    this.markers.length = 0;
    this.schedule();
  }

  private schedule(): void {
    if (this.dirty) return;
    this.dirty = true;
    requestAnimationFrame(() => {
      this.dirty = false;
      this.render();
    });
  }

  render(): void {
    const svg = this.svg;
    svg.replaceChildren(el('text', { x: PAD.left, y: 14, class: 'chart-title' }, this.title));
    const all = [...this.series.values()].flatMap((s) => s.points);
    svg.setAttribute('data-points', String(all.length));
    if (all.length === 0) return;
    let [x0, x1] = [Math.min(...all.map((p) => p[0])), Math.max(...all.map((p) => p[0]))];
    let [y0, y1] = [Math.min(...all.map((p) => p[1])), Math.max(...all.map((p) => p[1]))];
    if (x1 === x0) x1 = x0 + 1;
    if (y1 === y0) [y0, y1] = [y0 - 0.5, y1 + 0.5];
    const sx = (x: number): number => PAD.left + ((x - x0) / (x1 - x0)) * (W - PAD.left - PAD.right);
    const sy = (y: number): number => H - PAD.bottom - ((y - y0) / (y1 - y0)) * (H - PAD.top - PAD.bottom);
    svg.append(
      el('line', { x1: PAD.left, y1: H - PAD.bottom, x2: W - PAD.right, y2: H - PAD.bottom, class: 'axis' }),
      el('line', { x1: PAD.left, y1: PAD.top, x2: PAD.left, y2: H - PAD.bottom, class: 'axis' }),
      el('text', { x: PAD.left - 4, y: sy(y1) + 4, class: 'tick', 'text-anchor': 'end' }, fmt(y1)),
      el('text', { x: PAD.left - 4, y: sy(y0), class: 'tick', 'text-anchor': 'end' }, fmt(y0)),
      el('text', { x: PAD.left, y: H - 8, class: 'tick' }, `step ${fmt(x0)}`),
      el('text', { x: W - PAD.right, y: H - 8, class: 'tick', 'text-anchor': 'end' }, fmt(x1)),
    );
    for (const m of this.markers) {
      if (m.x < x0 || m.x > x1) continue;
      svg.append(el('line', { x1: sx(m.x), y1: PAD.top, x2: sx(m.x), y2: H - PAD.bottom, class: 'marker' }), el('text', { x: sx(m.x) + 2, y: PAD.top + 8, class: 'marker-label' }, m.label));
    }
    let legendX = W - PAD.right;
    for (const s of [...this.series.values()].reverse()) {
      const d = s.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`).join('');
      svg.append(el('path', { d, stroke: s.color, fill: 'none', 'stroke-width': 1.5, ...(s.dashed ? { 'stroke-dasharray': '4 3' } : {}) }));
      const label = el('text', { x: legendX, y: 27, fill: s.color, class: 'legend', 'text-anchor': 'end' }, s.name);
      svg.append(label);
      legendX -= s.name.length * 6.5 + 12;
    }
  }
}
