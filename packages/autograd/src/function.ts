// Functions: the registry, defineFunction, and applying a Function (running forward, recording a Node).
import { NDArray, isFloat, type DType } from '@adder/tensor';
import { FunctionContext, type Context, type FunctionDef } from './context';
import { AutogradError } from './errors';
import { isGradEnabled } from './grad-mode';
import { Node, type Edge } from './node';
import { Tensor } from './tensor';

/** The callable a Function is applied through, carrying its definition. */
export type ApplyFn<O extends object = {}, S extends object = Record<string, unknown>> = ((...args: (Tensor | NDArray | O)[]) => Tensor) & {
  readonly def: FunctionDef<O, S>;
};

/** Every registered Function by name, in registration order. */
const registry = new Map<string, FunctionDef<object, object>>();

/** Names of every registered Function, in registration order. */
export function listFunctions(): string[] {
  return [...registry.keys()];
}

/** A registered Function's definition, or undefined. */
export function getFunction(name: string): FunctionDef<object, object> | undefined {
  return registry.get(name);
}

/**
 * Registers a Function under a unique name and returns its apply:
 * `apply(...tensors, options?)`, where a trailing plain object (not a Tensor/NDArray) is the options.
 * NDArray arguments are treated as constants. `O` types `ctx.options` and `S` types `ctx.saved`:
 *
 * ```ts
 * defineFunction<{}, { shape: readonly number[] }>({
 *   name: 'flat',
 *   forward(ctx, a) { ctx.save({ shape: a.shape }); return a.reshape([-1]); },
 *   backward: (ctx, g) => [g.reshape(ctx.saved.shape)],
 * });
 * ```
 *
 * Higher-order gradients are not supported: backward runs on NDArrays and records no graph, so
 * gradients of gradients cannot be taken.
 */
export function defineFunction<O extends object = {}, S extends object = Record<string, unknown>>(def: FunctionDef<O, S>): ApplyFn<O, S> {
  if (registry.has(def.name)) throw new AutogradError('defineFunction', `a Function named '${def.name}' is already registered`);
  registry.set(def.name, def);
  const apply = (...args: (Tensor | NDArray | O)[]): Tensor => applyFunction(def, args);
  return Object.assign(apply, { def });
}

const EMPTY_OPTIONS = Object.freeze({});

/** Runs a Function's forward and records a Node when grad mode is on and an input requires grad. */
export function applyFunction<O extends object, S extends object>(def: FunctionDef<O, S>, args: (Tensor | NDArray | O)[]): Tensor {
  return applyWithContext(def, args).output;
}

/** applyFunction that also returns the context (for ops that expose forward-side state such as pool indices). */
export function applyWithContext<O extends object, S extends object>(def: FunctionDef<O, S>, args: (Tensor | NDArray | O)[]): { output: Tensor; ctx: Context<O, S> } {
  let n = args.length;
  let options = EMPTY_OPTIONS as O;
  if (n > 0) {
    const last = args[n - 1]!;
    if (!(last instanceof Tensor) && !(last instanceof NDArray)) {
      options = last;
      n--;
    }
  }
  const inputs: Tensor[] = new Array(n);
  const arrays: NDArray[] = new Array(n);
  const needs: boolean[] = new Array(n);
  const record = isGradEnabled();
  let anyNeeds = false;
  for (let i = 0; i < n; i++) {
    const a = args[i]!;
    let t: Tensor;
    if (a instanceof Tensor) t = a;
    else if (a instanceof NDArray) t = new Tensor(a);
    else throw new AutogradError(def.name, `argument ${i} is neither a Tensor nor an NDArray; only the last argument may be an options object`);
    inputs[i] = t;
    arrays[i] = t.data;
    needs[i] = record && t.requiresGrad;
    if (needs[i]) anyNeeds = true;
  }
  const ctx = new FunctionContext<O, S>(def.name, options, needs);
  const out = def.forward(ctx, ...arrays);
  if (!(out instanceof NDArray)) throw new AutogradError(def.name, `forward must return an NDArray, got ${typeof out}`);
  const output = new Tensor(out);
  if (anyNeeds) {
    if (!isFloat(out.dtype)) throw new AutogradError(def.name, `forward returned a ${out.dtype} array, but only float outputs can require grad`);
    const next: Edge[] = new Array(n);
    const shapes: (readonly number[])[] = new Array(n);
    const dtypes: DType[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const t = inputs[i]!;
      next[i] = needs[i] ? (t.gradFn ?? t) : null;
      shapes[i] = t.data.shape;
      dtypes[i] = t.data.dtype;
    }
    output.requiresGrad = true;
    output.gradFn = new Node(def, ctx, next, shapes, dtypes, out.shape, out.dtype);
  }
  return { output, ctx };
}
