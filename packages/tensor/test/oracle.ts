// Naive reference implementations (plain index arithmetic over flat row-major JS arrays) that the tests trust.
// Nothing here imports from src: each function is written from the definition, slowly and obviously.
// The shared test utility of the workspace: naive-kernels.ts and addernet's adderOracle.ts use its Dense
// (other packages' tests import it as '@adder/tensor/testing').

/** A dense row-major array: the oracles' only data type. */
export interface Dense {
  shape: number[];
  data: number[];
}

/** Product of the sizes (1 for []). */
export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Flat row-major position -> multi-index. */
export function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length).fill(0);
  let r = flat;
  for (let i = shape.length - 1; i >= 0; i--) {
    idx[i] = r % shape[i]!;
    r = Math.floor(r / shape[i]!);
  }
  return idx;
}

/** Multi-index -> flat row-major position. */
export function ravel(idx: readonly number[], shape: readonly number[]): number {
  let flat = 0;
  for (let i = 0; i < shape.length; i++) flat = flat * shape[i]! + idx[i]!;
  return flat;
}

/** Builds a Dense from a function of the multi-index. */
export function build(shape: readonly number[], at: (idx: number[]) => number): Dense {
  const n = numel(shape);
  const data = new Array<number>(n);
  for (let f = 0; f < n; f++) data[f] = at(unravel(f, shape));
  return { shape: [...shape], data };
}

/** Element at a multi-index. */
export function at(a: Dense, idx: readonly number[]): number {
  return a.data[ravel(idx, a.shape)]!;
}

/** Flattens nested JS arrays (toArray output) in row-major order. */
export function flatten(x: unknown): number[] {
  if (typeof x === 'number') return [x];
  const out: number[] = [];
  for (const e of x as unknown[]) out.push(...flatten(e));
  return out;
}

/** NumPy broadcasting, as the NumPy manual words it: compare trailing dims; equal, or one of them is 1. */
export function npBroadcast(a: readonly number[], b: readonly number[]): number[] | null {
  const ra = [...a].reverse();
  const rb = [...b].reverse();
  const out: number[] = [];
  for (let i = 0; i < Math.max(ra.length, rb.length); i++) {
    const x = i < ra.length ? ra[i]! : 1;
    const y = i < rb.length ? rb[i]! : 1;
    if (x === y) out.push(x);
    else if (x === 1) out.push(y);
    else if (y === 1) out.push(x);
    else return null;
  }
  return out.reverse();
}

/** Index into an operand of shape `small` from an index of the broadcast shape. */
export function broadcastIndex(idx: readonly number[], small: readonly number[]): number[] {
  const lead = idx.length - small.length;
  return small.map((d, i) => (d === 1 ? 0 : idx[lead + i]!));
}

/** Element-wise binary op with broadcasting. */
export function binaryRef(a: Dense, b: Dense, f: (x: number, y: number) => number): Dense {
  const shape = npBroadcast(a.shape, b.shape);
  if (shape === null) throw new Error('oracle: not broadcastable');
  return build(shape, (i) => f(at(a, broadcastIndex(i, a.shape)), at(b, broadcastIndex(i, b.shape))));
}

/** Element-wise unary op. */
export function unaryRef(a: Dense, f: (x: number) => number): Dense {
  return { shape: [...a.shape], data: a.data.map(f) };
}

/** Transposes by a permutation: out dim i = in dim perm[i]. */
export function permuteRef(a: Dense, perm: readonly number[]): Dense {
  const shape = perm.map((p) => a.shape[p]!);
  return build(shape, (i) => {
    const src = new Array<number>(a.shape.length);
    perm.forEach((p, k) => (src[p] = i[k]!));
    return at(a, src);
  });
}

/** Reverses the given axes. */
export function flipRef(a: Dense, axes: readonly number[]): Dense {
  return build(a.shape, (i) => at(a, i.map((v, k) => (axes.includes(k) ? a.shape[k]! - 1 - v : v))));
}

/** Python slice start:end:step (step > 0, indices already clamped by the caller's convention). */
export function sliceRef(a: Dense, axis: number, start: number, end: number, step: number): Dense {
  const d = a.shape[axis]!;
  const norm = (v: number): number => Math.min(Math.max(v < 0 ? v + d : v, 0), d);
  const s = norm(start);
  const e = norm(end);
  const picks: number[] = [];
  for (let k = s; k < e; k += step) picks.push(k);
  const shape = [...a.shape];
  shape[axis] = picks.length;
  return build(shape, (i) => at(a, i.map((v, k) => (k === axis ? picks[v]! : v))));
}

/** Reduction of every group of elements that agree on the kept axes. */
export function reduceRef(a: Dense, axes: readonly number[], keepdim: boolean, f: (xs: number[]) => number): Dense {
  const kept = a.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const outShapeKeep = a.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const groups = new Map<number, number[]>();
  for (let fl = 0; fl < a.data.length; fl++) {
    const idx = unravel(fl, a.shape);
    const key = ravel(idx.map((v, i) => (axes.includes(i) ? 0 : v)), outShapeKeep);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(a.data[fl]!);
  }
  const n = numel(outShapeKeep);
  const data = new Array<number>(n);
  for (let k = 0; k < n; k++) data[k] = f(groups.get(k) ?? []);
  return { shape: keepdim ? outShapeKeep : kept.map((i) => a.shape[i]!), data };
}

/** torch.gather: out[i] = a[i with i[axis] replaced by index[i]]. */
export function gatherRef(a: Dense, axis: number, index: Dense): Dense {
  return build(index.shape, (i) => at(a, i.map((v, k) => (k === axis ? at(index, i) : v))));
}

/** torch.scatter_add on zeros: out[i with i[axis] = index[i]] += src[i] for every index position i. */
export function scatterAddRef(shape: readonly number[], axis: number, index: Dense, src: Dense): Dense {
  const out = build(shape, () => 0);
  for (let f = 0; f < index.data.length; f++) {
    const i = unravel(f, index.shape);
    const target = i.map((v, k) => (k === axis ? index.data[f]! : v));
    out.data[ravel(target, shape)] += at(src, i);
  }
  return out;
}

/** torch.index_select: picks whole slices along axis. */
export function indexSelectRef(a: Dense, axis: number, index: readonly number[]): Dense {
  const shape = [...a.shape];
  shape[axis] = index.length;
  return build(shape, (i) => at(a, i.map((v, k) => (k === axis ? index[v]! : v))));
}

/** One-hot rows: out[..., c] = 1 when c equals the class. */
export function oneHotRef(index: Dense, classes: number): Dense {
  return build([...index.shape, classes], (i) => (at(index, i.slice(0, -1)) === i[i.length - 1] ? 1 : 0));
}

/** Two arrays (JS numbers) agree within |x - y| <= atol + rtol |y|, NaN matching NaN, infinities equal. */
export function closeTo(x: number, y: number, rtol: number, atol: number): boolean {
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y);
  if (!Number.isFinite(x) || !Number.isFinite(y)) return x === y;
  return Math.abs(x - y) <= atol + rtol * Math.abs(y);
}
