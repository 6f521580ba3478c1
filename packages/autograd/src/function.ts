// Functions: a registered (forward, backward) pair of kernels, its Context, and the graph Node it leaves.
import { NDArray, fmtShape, isFloat, type DType } from '@adder/tensor';
import { AutogradError } from './errors';
import { isGradEnabled } from './grad-mode';
import { Tensor } from './tensor';

/** What a Function's forward hands its backward (PyTorch's ctx). */
export interface Context<O extends object = {}> {
  /** The non-tensor arguments (stride, eta, ...) given as the trailing object of apply. */
  readonly options: O;
  /** Keeps arrays for backward; modifying one in place before backward makes backward throw. */
  saveForBackward(...xs: NDArray[]): void;
  /** The arrays given to saveForBackward (checked against in-place modification). */
  readonly savedTensors: NDArray[];
  /** needsInputGrad[i]: whether tensor input i wants a gradient. */
  readonly needsInputGrad: boolean[];
  /** Free-form non-tensor state (shapes, indices, ...). */
  saved: Record<string, unknown>;
}

/** A differentiable Function: forward and backward compute on NDArrays and record nothing. */
export interface FunctionDef<O extends object = {}> {
  /** Unique registry name. */
  readonly name: string;
  /** Computes the output from the tensor inputs' arrays. */
  forward(ctx: Context<O>, ...inputs: NDArray[]): NDArray;
  /** One gradient (or null) per tensor input, given the output's gradient. */
  backward(ctx: Context<O>, gradOut: NDArray): (NDArray | null)[];
  /** True when backward is deliberately not the true gradient (exempt from finite-difference gradcheck). */
  readonly surrogateGradient?: boolean;
}

/** The callable a Function is applied through, carrying its definition. */
export type ApplyFn<O extends object = {}> = ((...args: (Tensor | NDArray | O)[]) => Tensor) & { readonly def: FunctionDef<O> };

function freedError(fnName: string): AutogradError {
  return new AutogradError(
    fnName,
    'trying to backward through the graph a second time (or to read saved tensors after they were freed); pass { retainGraph: true } to the first backward',
  );
}

/** The context implementation: holds saved arrays with their storage versions at save time. */
export class FunctionContext<O extends object = {}> implements Context<O> {
  saved: Record<string, unknown> = {};
  /** True once backward has run without retainGraph: saved arrays were released. */
  freed = false;
  private hadSaved = false;
  private savedArrays: NDArray[] = [];
  private savedVersions: number[] = [];
  constructor(
    readonly fnName: string,
    readonly options: O,
    readonly needsInputGrad: boolean[],
  ) {}

  saveForBackward(...xs: NDArray[]): void {
    this.savedArrays = xs;
    this.savedVersions = xs.map((x) => x.storage.version);
  }

  get savedTensors(): NDArray[] {
    if (this.freed && this.hadSaved) throw freedError(this.fnName);
    for (let i = 0; i < this.savedArrays.length; i++) {
      const now = this.savedArrays[i]!.storage.version;
      if (now !== this.savedVersions[i]) {
        throw new AutogradError(
          this.fnName,
          `saved tensor ${i} (shape ${fmtShape(this.savedArrays[i]!.shape)}) was modified in place after it was saved for backward (version ${this.savedVersions[i]} at save, ${now} now)`,
        );
      }
    }
    return this.savedArrays;
  }

  /** How many arrays are currently held for backward (0 after release). */
  get savedCount(): number {
    return this.savedArrays.length;
  }

  /**
   * Drops the saved arrays, and any NDArray kept in `saved`, after a backward without retainGraph.
   * Reading them again throws (PyTorch's "backward through the graph a second time"); a Function that
   * saved no arrays can still run again, as in PyTorch.
   */
  release(): void {
    if (this.freed) return;
    this.freed = true;
    this.hadSaved = this.savedArrays.length > 0;
    this.savedArrays = [];
    this.savedVersions = [];
    const kept: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(this.saved)) {
      if (value instanceof NDArray || (Array.isArray(value) && value.some((v) => v instanceof NDArray))) {
        const name = this.fnName;
        Object.defineProperty(kept, key, { enumerable: true, get: () => { throw freedError(name); } });
      } else kept[key] = value;
    }
    this.saved = kept;
  }
}

/** Where a gradient flows from a Node input: the producing Node, a leaf Tensor, or nowhere. */
export type Edge = Node | Tensor | null;

/** A recorded Function application in the graph (PyTorch's grad_fn). */
export class Node {
  /** A non-leaf tensor that asked for retainGrad(), receiving this node's output gradient. */
  retained: Tensor | null = null;
  constructor(
    readonly def: FunctionDef<object>,
    readonly ctx: FunctionContext<object>,
    /** One edge per tensor input. */
    readonly next: Edge[],
    readonly inputShapes: (readonly number[])[],
    readonly inputDtypes: DType[],
    readonly outputShape: readonly number[],
    readonly outputDtype: DType,
  ) {}
  /** The Function's registry name. */
  get name(): string {
    return this.def.name;
  }
  /** True once the saved context was released by a backward pass. */
  get isFreed(): boolean {
    return this.ctx.freed;
  }
  /** How many saved arrays this node still holds. */
  get savedCount(): number {
    return this.ctx.savedCount;
  }
}

// Functions register while this module may still be initialising (Tensor's methods and the op modules import
// each other, so whichever module is imported first decides the order). A hoisted `var`, filled lazily, is
// readable at that point; a `const` would still be in its temporal dead zone.
// eslint-disable-next-line no-var
var registryStore: Map<string, FunctionDef<object>> | undefined;
function registry(): Map<string, FunctionDef<object>> {
  return (registryStore ??= new Map());
}

/** Names of every registered Function, in registration order. */
export function listFunctions(): string[] {
  return [...registry().keys()];
}

/** A registered Function's definition, or undefined. */
export function getFunction(name: string): FunctionDef<object> | undefined {
  return registry().get(name);
}

/**
 * Registers a Function under a unique name and returns its apply:
 * `apply(...tensors, options?)`, where a trailing plain object (not a Tensor/NDArray) is the options.
 * NDArray arguments are treated as constants. Higher-order gradients are not supported: backward
 * runs on NDArrays and records no graph, so gradients of gradients cannot be taken.
 */
export function defineFunction<O extends object = {}>(def: FunctionDef<O>): ApplyFn<O> {
  if (registry().has(def.name)) throw new AutogradError('defineFunction', `a Function named '${def.name}' is already registered`);
  registry().set(def.name, def as unknown as FunctionDef<object>);
  const apply = (...args: (Tensor | NDArray | O)[]): Tensor => applyFunction(def, args);
  return Object.assign(apply, { def });
}

const EMPTY_OPTIONS = Object.freeze({});

/** Runs a Function's forward and records a Node when grad mode is on and an input requires grad. */
export function applyFunction<O extends object>(def: FunctionDef<O>, args: (Tensor | NDArray | O)[]): Tensor {
  return applyWithContext(def, args).output;
}

/** applyFunction that also returns the context (for ops that expose forward-side state such as pool indices). */
export function applyWithContext<O extends object>(def: FunctionDef<O>, args: (Tensor | NDArray | O)[]): { output: Tensor; ctx: Context<O> } {
  let n = args.length;
  let options = EMPTY_OPTIONS as O;
  if (n > 0) {
    const last = args[n - 1]!;
    if (!(last instanceof Tensor) && !(last instanceof NDArray)) {
      options = last as O;
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
  const ctx = new FunctionContext<O>(def.name, options, needs);
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
    output.gradFn = new Node(def as unknown as FunctionDef<object>, ctx as unknown as FunctionContext<object>, next, shapes, dtypes, out.shape, out.dtype);
  }
  return { output, ctx };
}
