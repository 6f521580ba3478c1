// PyTorch-style printing: precision 4, summarised past 1,000 elements with 3 edge items.
import type { NDArray } from './ndarray';

const THRESHOLD = 1000;
const EDGE = 3;
const PRECISION = 4;

/** Formats like torch's repr: `tensor([[1.0000, 2.0000], ...])`, with dtype noted when not the default. */
export function formatNDArray(a: NDArray): string {
  const summarise = a.size > THRESHOLD;
  const flat = a.toTyped();
  const isInt = a.dtype === 'int32' || a.dtype === 'uint8';
  // PyTorch picks one format for all values: integers-as-floats print as "1.", otherwise fixed 4 digits,
  // or scientific when the range is too wide.
  const finite: number[] = [];
  for (let i = 0; i < flat.length; i++) if (Number.isFinite(flat[i]!)) finite.push(Math.abs(flat[i]!));
  const maxAbs = finite.length ? Math.max(...finite) : 0;
  const minAbs = finite.length ? Math.min(...finite.filter((v) => v > 0), Infinity) : 0;
  let allInt = true;
  for (let i = 0; i < flat.length; i++) if (Number.isFinite(flat[i]!) && !Number.isInteger(flat[i]!)) allInt = false;
  const sci = !isInt && finite.length > 0 && (maxAbs >= 1e8 || (minAbs !== Infinity && minAbs < 1e-4) || (minAbs !== Infinity && maxAbs / minAbs > 1000 && !allInt));
  const fmt = (v: number): string => {
    if (Number.isNaN(v)) return 'nan';
    if (v === Infinity) return 'inf';
    if (v === -Infinity) return '-inf';
    if (isInt) return String(v);
    if (sci) return v.toExponential(PRECISION).replace(/e([+-])(\d)$/, 'e$10$2');
    if (allInt) return `${v.toFixed(0)}.`;
    return v.toFixed(PRECISION);
  };
  const strs: string[] = Array.from(flat, fmt);
  const width = strs.reduce((w, s) => Math.max(w, s.length), 0);
  const pad = (s: string): string => s.padStart(width);
  const shape = a.shape;
  const strides: number[] = [];
  let st = 1;
  for (let i = shape.length - 1; i >= 0; i--) (strides[i] = st), (st *= shape[i]!);
  const render = (dim: number, base: number, indent: number): string => {
    if (dim === shape.length) return pad(strs[base]!);
    const n = shape[dim]!;
    const idx: (number | null)[] = [];
    if (summarise && n > 2 * EDGE) {
      for (let i = 0; i < EDGE; i++) idx.push(i);
      idx.push(null);
      for (let i = n - EDGE; i < n; i++) idx.push(i);
    } else for (let i = 0; i < n; i++) idx.push(i);
    const parts = idx.map((i) => (i === null ? '...' : render(dim + 1, base + i * strides[dim]!, indent + 1)));
    if (dim === shape.length - 1) return `[${parts.join(', ')}]`;
    const sep = ',' + '\n'.repeat(shape.length - dim - 1) + ' '.repeat(indent + 1);
    return `[${parts.join(sep)}]`;
  };
  const prefix = 'tensor(';
  const body = shape.length === 0 ? fmt(flat[0]!) : render(0, 0, prefix.length);
  const suffix = a.dtype === 'float32' ? '' : `, dtype=${a.dtype}`;
  return `${prefix}${body}${suffix})`;
}
