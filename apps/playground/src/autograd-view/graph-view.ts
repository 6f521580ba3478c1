// Draws an expression's graph micrograd-style: one box per node with its value and (once backward reached it) grad.
import type { GraphNode } from './expression';

const SVG = 'http://www.w3.org/2000/svg';
const BOX_W = 150;
const BOX_H = 46;
const GAP_X = 40;
const GAP_Y = 14;

function show(values: ArrayLike<number>): string {
  const parts = Array.from(values, (v) => Number(v.toPrecision(4)).toString());
  return parts.length === 1 ? parts[0]! : `[${parts.join(', ')}]`;
}

/** The node's gradient as numbers, or null when it has none (a constant). */
export function gradOf(n: GraphNode): number[] | null {
  return n.tensor.grad === null ? null : Array.from(n.tensor.grad.data.contiguous().toTyped() as Float64Array);
}

/** Renders the graph left (inputs) to right (result); `revealed` holds the nodes whose grad backward has reached. */
export function drawGraph(svg: SVGSVGElement, nodes: readonly GraphNode[], revealed: ReadonlySet<number>): void {
  const depth = new Array<number>(nodes.length).fill(0);
  for (const n of nodes) depth[n.id] = n.inputs.length === 0 ? 0 : Math.max(...n.inputs.map((i) => depth[i]!)) + 1;
  const columns = new Map<number, number[]>();
  for (const n of nodes) columns.set(depth[n.id]!, [...(columns.get(depth[n.id]!) ?? []), n.id]);
  const pos = new Map<number, { x: number; y: number }>();
  for (const [d, ids] of columns) ids.forEach((id, row) => pos.set(id, { x: 10 + d * (BOX_W + GAP_X), y: 10 + row * (BOX_H + GAP_Y) }));
  const width = 20 + (Math.max(...depth) + 1) * (BOX_W + GAP_X);
  const height = 20 + Math.max(...[...columns.values()].map((c) => c.length)) * (BOX_H + GAP_Y);
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
  svg.replaceChildren();
  const make = (tag: string, attrs: Record<string, string | number>, text?: string): SVGElement => {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    svg.appendChild(e);
    return e;
  };
  for (const n of nodes) {
    const to = pos.get(n.id)!;
    for (const i of n.inputs) {
      const from = pos.get(i)!;
      make('line', { x1: from.x + BOX_W, y1: from.y + BOX_H / 2, x2: to.x, y2: to.y + BOX_H / 2, class: 'edge' });
    }
  }
  for (const n of nodes) {
    const { x, y } = pos.get(n.id)!;
    const grad = gradOf(n);
    const shown = revealed.has(n.id) && grad !== null;
    const g = make('g', { class: `node${n.isVariable ? ' variable' : ''}${shown ? ' reached' : ''}`, 'data-node': n.label, 'data-grad': shown ? JSON.stringify(grad) : '' });
    const box = document.createElementNS(SVG, 'rect');
    for (const [k, v] of Object.entries({ x, y, width: BOX_W, height: BOX_H, rx: 5 })) box.setAttribute(k, String(v));
    g.appendChild(box);
    const lines = [n.label, `data ${show(n.tensor.data.contiguous().toTyped())}`, `grad ${shown ? show(grad) : grad === null ? '-' : '?'}`];
    lines.forEach((line, k) => {
      const t = document.createElementNS(SVG, 'text');
      t.setAttribute('x', String(x + 6));
      t.setAttribute('y', String(y + 14 + k * 14));
      if (k === 0) t.setAttribute('class', 'op');
      t.textContent = line;
      g.appendChild(t);
    });
  }
}
