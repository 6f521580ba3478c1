// Test support shared by every package that registers Functions: layout-drawing fast-check arbitraries,
// gradcheck / declared-backward case builders, and the registry-coverage check. Import it only from tests
// (`@adder/autograd/testing`); it loads fast-check.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { Generator, NDArray, Storage, fmtShape, numelOf, sameShape, type DType } from '@adder/tensor';
// Through the package entry, so that importing this module alone registers every Function and attaches Tensor's methods.
import { AutogradError, Tensor, getFunction, gradcheck, listFunctions, type GradcheckOptions } from './index';

export { loadGoldenCases, goldenArray, checkGoldenCase, type GoldenCase, type GoldenArray, type GoldenCall } from './golden-cases';

// ---------------------------------------------------------------- case tables

/** One registered Function's check: a gradcheck property, or (for surrogate gradients) an oracle of its declared backward. */
export interface FunctionCase {
  readonly kind: 'gradcheck' | 'declared-backward';
  /** Runs the check; throws on failure. */
  check(): void;
}
/** A case table: Function name -> its check. Each `*.cases.ts` module exports one as `cases`. */
export type CaseTable = Readonly<Record<string, FunctionCase>>;

/** A drawn gradcheck problem: float64 inputs and the function of them to check. */
export interface GradProblem {
  inputs: Tensor[];
  fn: (...xs: Tensor[]) => Tensor;
}

/** A case that runs gradcheck on `numRuns` drawn problems. */
export function gradcheckCase(problems: fc.Arbitrary<GradProblem>, opts: GradcheckOptions & { numRuns?: number; seed?: number } = {}): FunctionCase {
  const { numRuns = 30, seed, ...gc } = opts;
  return {
    kind: 'gradcheck',
    check() {
      fc.assert(
        fc.property(problems, (p) => gradcheck(p.fn, p.inputs, gc)),
        seed === undefined ? { numRuns } : { numRuns, seed },
      );
    },
  };
}

/** A case for a surrogate-gradient Function: `check` compares its backward with a naive oracle of the declared rule. */
export function declaredBackwardCase(check: () => void): FunctionCase {
  return { kind: 'declared-backward', check };
}

/**
 * Runs `fn` on fresh leaves of `inputs`, backpropagates a random gradient, and compares each input's
 * gradient with `oracle(inputArrays, gradOut)` (one expected gradient, or null, per input).
 */
export function checkDeclaredBackward(
  fn: (...xs: Tensor[]) => Tensor,
  inputs: Tensor[],
  oracle: (inputs: NDArray[], gradOut: NDArray) => (NDArray | null)[],
  opts: { rtol?: number; atol?: number; seed?: number } = {},
): void {
  const rtol = opts.rtol ?? 1e-6;
  const atol = opts.atol ?? 1e-9;
  const xs = inputs.map((t) => new Tensor(t.data, t.requiresGrad));
  const out = fn(...xs);
  const gradOut = randomArray(out.shape, out.dtype, new Generator(opts.seed ?? 1));
  out.backward(gradOut);
  const expected = oracle(xs.map((x) => x.data), gradOut);
  for (let i = 0; i < xs.length; i++) {
    const want = expected[i];
    if (want === null || want === undefined) continue;
    const got = xs[i]!.grad;
    if (got === null) throw new AutogradError('checkDeclaredBackward', `input ${i} got no gradient, the oracle expects shape ${fmtShape(want.shape)}`);
    if (!sameShape(got.shape, want.shape)) throw new AutogradError('checkDeclaredBackward', `input ${i} gradient has shape ${fmtShape(got.shape)}, oracle ${fmtShape(want.shape)}`);
    const g = got.data.toTyped();
    const w = want.toTyped();
    for (let e = 0; e < g.length; e++) {
      if (!(Math.abs(g[e]! - w[e]!) <= atol + rtol * Math.abs(w[e]!))) {
        throw new AutogradError('checkDeclaredBackward', `input ${i} element ${e}: backward gave ${g[e]}, the oracle ${w[e]}`);
      }
    }
  }
}

/** Imports every module named `*${suffix}` in `dir` and returns file name -> its exported `cases` table. */
export async function loadCaseTables(dir: string, suffix = '.cases.ts'): Promise<Map<string, CaseTable>> {
  const tables = new Map<string, CaseTable>();
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith(suffix)) continue;
    const mod = (await import(pathToFileURL(join(dir, file)).href)) as { cases?: CaseTable };
    if (mod.cases === undefined) throw new AutogradError('loadCaseTables', `${file} does not export a 'cases' table`);
    tables.set(file, mod.cases);
  }
  return tables;
}

/** Names of the Functions registered while `load` runs (e.g. `() => import('@adder/nn')`, before anything else imported it). */
export async function functionsRegisteredBy(load: () => Promise<unknown>): Promise<string[]> {
  const before = new Set(listFunctions());
  await load();
  return listFunctions().filter((n) => !before.has(n));
}

/**
 * Throws unless the union of the case tables' keys equals `registered` exactly, no name is covered twice,
 * surrogate-gradient Functions use a declared-backward case and every other Function a gradcheck case.
 */
export function assertCasesCoverFunctions(tables: ReadonlyMap<string, CaseTable>, registered: readonly string[]): void {
  const owner = new Map<string, string>();
  const problems: string[] = [];
  for (const [file, table] of tables) {
    for (const name of Object.keys(table)) {
      if (owner.has(name)) problems.push(`'${name}' has cases in both ${owner.get(name)} and ${file}`);
      owner.set(name, file);
    }
  }
  const want = new Set(registered);
  for (const name of registered) if (!owner.has(name)) problems.push(`Function '${name}' is registered but no case table covers it`);
  for (const [name, file] of owner) {
    if (!want.has(name)) {
      problems.push(`${file} has a case for '${name}', which is not a Function registered here`);
      continue;
    }
    const kind = tables.get(file)![name]!.kind;
    const surrogate = getFunction(name)?.surrogateGradient === true;
    if (surrogate && kind !== 'declared-backward') problems.push(`'${name}' declares surrogateGradient, so its case must be a declared-backward oracle, not ${kind}`);
    if (!surrogate && kind !== 'gradcheck') problems.push(`'${name}' has a true gradient, so its case must be a gradcheck, not ${kind}`);
  }
  if (problems.length > 0) throw new AutogradError('registry coverage', `\n  ${problems.join('\n  ')}`);
}

// ---------------------------------------------------------------- drawing tensors

/** How drawn values are kept away from kinks and ties. */
export interface ValueSpec {
  /** Range of drawn values (default [-1, 1]). */
  min?: number;
  max?: number;
  /** Points where the function has a kink (0 for relu/abs, clamp bounds): values keep `gap` away. */
  kinks?: readonly number[];
  /** Distance kept from kinks, and between values when `distinct` (default 0.05). */
  gap?: number;
  /** Snap every value to offset + step * k (two tensors on lattices offset by step/2 never tie). */
  lattice?: { step: number; offset: number };
  /** All memory locations hold distinct values (no ties for max/min/maxPool): a shuffled grid of step `gap`. */
  distinct?: boolean;
}

/** A memory layout a drawn tensor is viewed through. */
export type Layout = 'contiguous' | 'permuted' | 'sliced' | 'expanded';
/** Every layout. */
export const LAYOUTS: readonly Layout[] = ['contiguous', 'permuted', 'sliced', 'expanded'];

/** Uniform [-1, 1) values of a dtype. */
function randomArray(shape: readonly number[], dtype: DType, gen: Generator): NDArray {
  const s = Storage.alloc(dtype, numelOf(shape));
  for (let i = 0; i < s.data.length; i++) s.data[i] = 2 * gen.random() - 1;
  return new NDArray(s, shape);
}

/** Fills a buffer with values obeying `spec`. */
function fillValues(data: Float64Array, gen: Generator, spec: ValueSpec): void {
  const lo = spec.min ?? -1;
  const hi = spec.max ?? 1;
  const gap = spec.gap ?? 0.05;
  if (spec.distinct === true) {
    const n = data.length;
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = gen.randint(0, i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    // a grid of step `gap` centred in [lo, hi] (wider when n*gap exceeds the range)
    const span = Math.max(hi - lo, (n - 1) * gap);
    const step = n > 1 ? span / (n - 1) : 0;
    const start = (lo + hi) / 2 - span / 2;
    for (let i = 0; i < n; i++) data[i] = start + order[i]! * step;
    return;
  }
  for (let i = 0; i < data.length; i++) {
    let v = lo + (hi - lo) * gen.random();
    for (const k of spec.kinks ?? []) if (Math.abs(v - k) < gap) v = v >= k ? k + gap : k - gap;
    if (spec.lattice !== undefined) v = spec.lattice.offset + spec.lattice.step * Math.round((v - spec.lattice.offset) / spec.lattice.step);
    data[i] = v;
  }
}

/** A random permutation of 0..n-1. */
function shuffled(n: number, gen: Generator): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = gen.randint(0, i + 1);
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}

/** Builds a float64 leaf tensor of `shape` viewed through `layout` (the view is the leaf, so its layout reaches the ops). */
export function makeTensor(shape: readonly number[], layout: Layout, seed: number, spec: ValueSpec = {}, requiresGrad = true): Tensor {
  const gen = new Generator(seed);
  let view: NDArray;
  const alloc = (s: readonly number[]): NDArray => {
    const st = Storage.alloc('float64', numelOf(s));
    fillValues(st.data as Float64Array, gen, spec);
    return new NDArray(st, s);
  };
  const nd = shape.length;
  if (layout === 'permuted' && nd >= 2) {
    const p = shuffled(nd, gen);
    const base = alloc(p.map((a) => shape[a]!));
    const inverse = new Array<number>(nd);
    p.forEach((a, i) => (inverse[a] = i));
    view = base.permute(inverse);
  } else if (layout === 'sliced' && nd >= 1) {
    const ax = gen.randint(0, nd);
    const baseShape = [...shape];
    baseShape[ax] = 2 * shape[ax]! + 1;
    view = alloc(baseShape).slice(ax, 1, undefined, 2);
  } else if (layout === 'expanded' && shape.some((d) => d > 1)) {
    const baseShape = shape.map((d) => (d > 1 && gen.random() < 0.5 ? 1 : d));
    if (sameShape(baseShape, shape)) baseShape[shape.findIndex((d) => d > 1)] = 1;
    view = alloc(baseShape).expand(shape);
  } else view = alloc(shape);
  return new Tensor(view, requiresGrad);
}

/** Shapes of `minDims`..`maxDims` dims with sizes 1..`maxSize` (defaults 1-4 dims, sizes 1-4). */
export function shapeArb(opts: { minDims?: number; maxDims?: number; minSize?: number; maxSize?: number } = {}): fc.Arbitrary<number[]> {
  return fc.array(fc.integer({ min: opts.minSize ?? 1, max: opts.maxSize ?? 4 }), { minLength: opts.minDims ?? 1, maxLength: opts.maxDims ?? 4 });
}

/** A float64 leaf of the given shape in a drawn layout with values obeying `spec`. */
export function tensorArb(shape: readonly number[], spec: ValueSpec = {}, layouts: readonly Layout[] = LAYOUTS): fc.Arbitrary<Tensor> {
  return fc.tuple(fc.constantFrom(...layouts), fc.integer({ min: 1, max: 0x7fffffff })).map(([layout, seed]) => makeTensor(shape, layout, seed, spec));
}

/** A shape that broadcasts to `shape`: some leading dims dropped and some dims set to 1. */
export function broadcastableShapeArb(shape: readonly number[]): fc.Arbitrary<number[]> {
  return fc.tuple(fc.integer({ min: 0, max: shape.length }), fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length })).map(([drop, ones]) =>
    shape.map((d, i) => (ones[i] ? 1 : d)).slice(drop),
  );
}

/** A 0/1 uint8 mask of `shape` (no gradient), drawn from a seed. */
export function maskArb(shape: readonly number[]): fc.Arbitrary<Tensor> {
  return fc.integer({ min: 1, max: 0x7fffffff }).map((seed) => {
    const gen = new Generator(seed);
    const s = Storage.alloc('uint8', numelOf(shape));
    for (let i = 0; i < s.data.length; i++) s.data[i] = gen.random() < 0.5 ? 1 : 0;
    return new Tensor(new NDArray(s, shape));
  });
}

/** A random subset of the axes of an `ndim`-d tensor (possibly all, or given as undefined for "all"). */
export function axesArb(ndim: number): fc.Arbitrary<number[] | undefined> {
  return fc.oneof(
    fc.constant(undefined),
    fc.subarray(Array.from({ length: ndim }, (_, i) => i), { minLength: 1 }),
    fc.integer({ min: -ndim, max: ndim - 1 }).map((a) => [a]),
  );
}
