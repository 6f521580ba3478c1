// gradcheck: the analytic Jacobian (one backward per output element) against central differences, in float64.
import { fmtShape, isFloat, zeros } from '@adder/tensor';
import { AutogradError } from './errors';
import { Node } from './node';
import { noGrad } from './grad-mode';
import { Tensor } from './tensor';

/** Options of gradcheck (PyTorch's defaults). */
export interface GradcheckOptions {
  /** Finite-difference step (default 1e-6). */
  eps?: number;
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Relative tolerance, against the numeric value (default 1e-3). */
  rtol?: number;
  /** Throw a GradcheckError with the report on failure (default true); false returns false instead. */
  raiseException?: boolean;
}

/** The error gradcheck throws when the Jacobians disagree; `message` is the report. */
export class GradcheckError extends AutogradError {
  constructor(message: string) {
    super('gradcheck', message);
    this.name = 'GradcheckError';
  }
}

/** Names of surrogate-gradient Functions reachable from `root` (gradcheck refuses them). */
function surrogateFunctionsIn(root: Node): string[] {
  const seen = new Set<Node>([root]);
  const stack = [root];
  const found = new Set<string>();
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.def.surrogateGradient === true) found.add(node.def.name);
    for (const e of node.next) if (e instanceof Node && !seen.has(e)) (seen.add(e), stack.push(e));
  }
  return [...found];
}

/** Row-major multi-index of flat position `flat` in `shape`. */
function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = flat % shape[d]!;
    flat = Math.floor(flat / shape[d]!);
  }
  return idx;
}

/** The input as a float64 leaf; a float64 input keeps its layout (views, strides, overlap) and storage. */
function asFloat64Leaf(t: Tensor): Tensor {
  const data = t.dtype === 'float64' || !isFloat(t.dtype) ? t.data : t.data.cast('float64');
  return new Tensor(data, t.requiresGrad && isFloat(data.dtype));
}

/** Runs fn without recording and returns its output as a flat float64 copy. */
function evaluateFlat(fn: (...inputs: Tensor[]) => Tensor, xs: Tensor[]): Float64Array {
  const out = noGrad(() => fn(...xs));
  return Float64Array.from(out.data.toTyped());
}

/**
 * Compares the analytic Jacobian of `fn` with central differences in float64 over every input element
 * and every output element (as torch.autograd.gradcheck). float32 inputs are cast to float64 first;
 * float64 inputs are used in place, so non-contiguous and overlapping (expanded) layouts are checked as
 * they are: a memory location shared by several elements gets the sum of their analytic gradients.
 * A pass requires |analytic - numeric| <= atol + rtol * |numeric| everywhere. Returns true on success;
 * on failure throws a GradcheckError naming the worst input element with analytic, numeric and difference
 * (or returns false with raiseException: false).
 *
 * Functions declared `surrogateGradient: true` are exempt: their backward is deliberately not the true
 * gradient, so gradcheck refuses any graph containing one (it throws, whatever raiseException says).
 * Check them against a naive oracle of their declared backward instead (see checkDeclaredBackward in testing).
 */
export function gradcheck(fn: (...inputs: Tensor[]) => Tensor, inputs: Tensor[], opts: GradcheckOptions = {}): boolean {
  const eps = opts.eps ?? 1e-6;
  const atol = opts.atol ?? 1e-5;
  const rtol = opts.rtol ?? 1e-3;
  const raise = opts.raiseException ?? true;
  const xs = inputs.map(asFloat64Leaf);
  if (!xs.some((x) => x.requiresGrad)) throw new GradcheckError(`expected at least one input that requires grad, got ${xs.length} input(s), none requiring grad`);
  const out = fn(...xs);
  if (out.dtype !== 'float64') throw new GradcheckError(`fn must return a float64 tensor for float64 inputs, got ${out.dtype}`);
  if (out.gradFn !== null) {
    const surrogates = surrogateFunctionsIn(out.gradFn);
    if (surrogates.length > 0) {
      throw new GradcheckError(
        `the graph contains surrogate-gradient Function(s) ${surrogates.join(', ')}, whose backward is deliberately not the true gradient; check them against an oracle of their declared backward instead`,
      );
    }
  }
  const nOut = out.size;
  const outShape = out.shape;

  // per input: physical offsets of each logical element, and the unique memory locations
  const layouts = xs.map((x) => {
    const offs = x.data.offsets();
    const unique = [...new Set(offs)];
    const slot = new Map<number, number>(unique.map((o, k) => [o, k]));
    return { offs, unique, slot };
  });

  // analytic Jacobian: analytic[i][m * nOut + j] = d out_j / d (memory location m of input i)
  const analytic = xs.map((_, i) => new Float64Array(layouts[i]!.unique.length * nOut));
  if (out.requiresGrad) {
    for (let j = 0; j < nOut; j++) {
      for (const x of xs) x.grad = null;
      const seed = zeros(outShape, 'float64');
      seed.data[j] = 1;
      out.backward(seed, { retainGraph: true });
      for (let i = 0; i < xs.length; i++) {
        const g = xs[i]!.grad;
        if (!xs[i]!.requiresGrad || g === null) continue;
        const gFlat = g.data.toTyped();
        const { offs, slot } = layouts[i]!;
        for (let e = 0; e < offs.length; e++) analytic[i]![slot.get(offs[e]!)! * nOut + j] += gFlat[e]!;
      }
    }
  }

  // numeric Jacobian by central differences, perturbing one memory location at a time
  let worst: { score: number; report: string } | null = null;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    if (!x.requiresGrad) continue;
    const data = x.data.data;
    const { offs, unique } = layouts[i]!;
    for (let m = 0; m < unique.length; m++) {
      const loc = unique[m]!;
      const saved = data[loc]!;
      data[loc] = saved + eps;
      const plus = evaluateFlat(fn, xs);
      data[loc] = saved - eps;
      const minus = evaluateFlat(fn, xs);
      data[loc] = saved;
      for (let j = 0; j < nOut; j++) {
        const numeric = (plus[j]! - minus[j]!) / (2 * eps);
        const a = analytic[i]![m * nOut + j]!;
        const diff = Math.abs(a - numeric);
        const allowed = atol + rtol * Math.abs(numeric);
        const bad = !(diff <= allowed);
        if (!bad) continue;
        const score = Number.isNaN(diff) ? Infinity : diff - allowed;
        if (worst === null || score > worst.score) {
          const element = offs.indexOf(loc);
          worst = {
            score,
            report:
              `Jacobian mismatch for input ${i} (shape ${fmtShape(x.shape)}) element ${fmtShape(unravel(element, x.shape))}, ` +
              `output element ${fmtShape(unravel(j, outShape))}: analytic ${a}, numeric ${numeric}, difference ${diff} ` +
              `(allowed atol ${atol} + rtol ${rtol} * |numeric| = ${allowed})`,
          };
        }
      }
    }
  }
  if (worst === null) return true;
  if (raise) throw new GradcheckError(worst.report);
  return false;
}
