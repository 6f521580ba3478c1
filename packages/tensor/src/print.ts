// PyTorch-style printing (torch/_tensor_str.py): precision 4, summarised past 1,000 elements with 3 edge items,
// lines wrapped at 80 columns, one number format chosen from the printed values, Python's rounding.
import { isFloat } from './dtype';
import type { NDArray } from './ndarray';

const THRESHOLD = 1000;
const EDGE = 3;
const PRECISION = 4;
const LINEWIDTH = 80;

/** Python's '{:.Nf}' / '{:.Ne}' for finite and non-finite floats: round half to even on exact ties. */
function pyFloat(x: number, digits: number, sci: boolean): string {
  if (x !== x) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  const neg = x < 0 || Object.is(x, -0);
  const ax = Math.abs(x);
  let s: string;
  if (sci) {
    s = ax.toExponential(digits);
    // JS breaks exact ties away from zero, Python to even: look at the exact expansion
    const [mant, exp] = ax.toExponential(Math.min(100, digits + 70)).split('e') as [string, string];
    const keep = digits === 0 ? 1 : digits + 2;
    if (/^50*$/.test(mant.slice(keep)) && Number(mant[keep - 1]) % 2 === 0) s = `${mant.slice(0, keep)}e${exp}`;
    s = s.replace(/e([+-])(\d)$/, 'e$10$2');
  } else {
    s = ax.toFixed(digits);
    if (ax < 1e21) {
      const exact = ax.toFixed(Math.min(100, digits + 70));
      const cut = exact.indexOf('.') + 1 + digits;
      const kept = exact.slice(0, digits === 0 ? cut - 1 : cut);
      if (/^50*$/.test(exact.slice(cut)) && Number(kept[kept.length - 1]) % 2 === 0) s = kept;
    }
  }
  return neg ? `-${s}` : s;
}

/** torch's _Formatter: one width and one mode (int-valued, fixed or scientific) for all printed values. */
class Formatter {
  width = 1;
  private intMode = true;
  private sciMode = false;
  constructor(
    values: readonly number[],
    private readonly floating: boolean,
  ) {
    if (!floating) {
      for (const v of values) this.width = Math.max(this.width, String(v).length);
      return;
    }
    const nz = values.filter((v) => Number.isFinite(v) && v !== 0);
    if (nz.length === 0) return;
    let lo = Infinity;
    let hi = 0;
    for (const v of nz) {
      lo = Math.min(lo, Math.abs(v));
      hi = Math.max(hi, Math.abs(v));
      if (v !== Math.ceil(v)) this.intMode = false;
    }
    if (this.intMode) {
      this.sciMode = hi / lo > 1000 || hi > 1e8;
      for (const v of nz) this.width = Math.max(this.width, this.sciMode ? pyFloat(v, PRECISION, true).length : pyFloat(v, 0, false).length + 1);
    } else {
      this.sciMode = hi / lo > 1000 || hi > 1e8 || lo < 1e-4;
      for (const v of nz) this.width = Math.max(this.width, pyFloat(v, PRECISION, this.sciMode).length);
    }
  }
  format(v: number): string {
    let s: string;
    if (!this.floating) s = String(v);
    else if (this.sciMode) s = pyFloat(v, PRECISION, true);
    else if (this.intMode) s = pyFloat(v, 0, false) + (Number.isFinite(v) ? '.' : '');
    else s = pyFloat(v, PRECISION, false);
    return s.padStart(this.width);
  }
}

/** Indices printed along a dim: all, or EDGE from each end with null marking the elision. */
function printedIndices(n: number, summarize: boolean): (number | null)[] {
  if (summarize && n > 2 * EDGE) {
    const out: (number | null)[] = [];
    for (let i = 0; i < EDGE; i++) out.push(i);
    out.push(null);
    for (let i = n - EDGE; i < n; i++) out.push(i);
    return out;
  }
  return Array.from({ length: n }, (_, i) => i);
}

/** Formats like torch's repr, e.g. `tensor([[1., 2.],\n        [3., 4.]])`; a non-float32 dtype adds `, dtype=float64`. */
export function formatNDArray(a: NDArray): string {
  const prefix = 'tensor(';
  const indent = prefix.length;
  const suffixes: string[] = [];
  const data = a.data;
  const shape = a.shape;
  const strides = a.strides;
  let body: string;
  if (a.size === 0) {
    if (a.ndim !== 1) suffixes.push(`size=(${shape.join(', ')})`);
    body = '[]';
  } else {
    const summarize = a.size > THRESHOLD;
    // the formatter sees only the values that get printed (torch's get_summarized_data)
    const shown: number[] = [];
    const collect = (dim: number, off: number): void => {
      if (dim === shape.length) {
        shown.push(data[off]!);
        return;
      }
      for (const i of printedIndices(shape[dim]!, summarize)) if (i !== null) collect(dim + 1, off + i * strides[dim]!);
    };
    collect(0, a.offset);
    const fmt = new Formatter(shown, isFloat(a.dtype));
    const render = (dim: number, off: number, ind: number): string => {
      if (dim === shape.length) return fmt.format(data[off]!);
      const idx = printedIndices(shape[dim]!, summarize);
      if (dim === shape.length - 1) {
        // torch's _vector_str: ' ...' as an element, and as many elements per line as fit in 80 columns
        const items = idx.map((i) => (i === null ? ' ...' : fmt.format(data[off + i * strides[dim]!]!)));
        const perLine = Math.max(1, Math.floor((LINEWIDTH - ind) / (fmt.width + 2)));
        const lines: string[] = [];
        for (let k = 0; k < items.length; k += perLine) lines.push(items.slice(k, k + perLine).join(', '));
        return `[${lines.join(',\n' + ' '.repeat(ind + 1))}]`;
      }
      const parts = idx.map((i) => (i === null ? '...' : render(dim + 1, off + i * strides[dim]!, ind + 1)));
      return `[${parts.join(',' + '\n'.repeat(shape.length - dim - 1) + ' '.repeat(ind + 1))}]`;
    };
    body = shape.length === 0 ? fmt.format(data[a.offset]!) : render(0, a.offset, indent);
  }
  if (a.dtype !== 'float32') suffixes.push(`dtype=${a.dtype}`);
  // torch's _add_suffixes: a suffix that would pass 80 columns starts a new line. The decision uses torch's
  // spelling (dtype=torch.float64), so the output is exactly torch's repr with 'torch.' dropped.
  let out = prefix + body;
  let lastLineLen = out.length - out.lastIndexOf('\n') + 1;
  for (const s of suffixes) {
    const torchLen = s.startsWith('dtype=') ? s.length + 'torch.'.length : s.length;
    if (lastLineLen + torchLen + 2 > LINEWIDTH) {
      out += ',\n' + ' '.repeat(indent) + s;
      lastLineLen = indent + torchLen;
    } else {
      out += ', ' + s;
      lastLineLen += torchLen + 2;
    }
  }
  return out + ')';
}
