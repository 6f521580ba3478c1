// What a Function is: its definition (forward, backward) and the Context its forward hands its backward.
// This module imports nothing of the package at run time; the types of Tensor and Node are not needed here.
import { NDArray, fmtShape } from '@adder/tensor';
import { AutogradError } from './errors';

/**
 * What a Function's forward hands its backward (PyTorch's ctx). `O` is the type of the options object,
 * `S` the type of the state forward saves with `save` and backward reads, fully typed, as `ctx.saved`.
 */
export interface Context<O extends object = {}, S extends object = Record<string, unknown>> {
  /** The non-tensor arguments (stride, eta, ...) given as the trailing object of apply. */
  readonly options: O;
  /** needsInputGrad[i]: whether tensor input i wants a gradient. */
  readonly needsInputGrad: boolean[];
  /**
   * Keeps `state` for backward, replacing what was saved before. Every NDArray in it (also inside an
   * array) is version-checked: modifying one in place before backward makes reading `saved` throw.
   */
  save(state: S): void;
  /**
   * The state given to `save`, typed by `S` (shapes, indices, arrays, ...). Fields may also be assigned
   * directly (`ctx.saved.k = ...`); those are not version-checked.
   */
  saved: S;
  /** Keeps arrays for backward, by position (PyTorch's save_for_backward); version-checked as `save` is. */
  saveForBackward(...xs: NDArray[]): void;
  /** The arrays given to saveForBackward, in order (PyTorch's saved_tensors). */
  readonly savedTensors: NDArray[];
}

/**
 * A differentiable Function: forward and backward compute on NDArrays and record nothing.
 * `O` types `ctx.options`, `S` types `ctx.saved`.
 */
export interface FunctionDef<O extends object = {}, S extends object = Record<string, unknown>> {
  /** Unique registry name, camelCase as the op it implements (`batchNorm`, `maxPool2d`). */
  readonly name: string;
  /** Computes the output from the tensor inputs' arrays. */
  forward(ctx: Context<O, S>, ...inputs: NDArray[]): NDArray;
  /**
   * One gradient (or null) per tensor input, given the output's gradient. Each gradient must have its
   * input's shape and dtype exactly: an op whose inputs broadcast reduces with `sumToShape` itself.
   */
  backward(ctx: Context<O, S>, gradOut: NDArray): (NDArray | null)[];
  /** True when backward is deliberately not the true gradient (exempt from finite-difference gradcheck). */
  readonly surrogateGradient?: boolean;
}

function freedError(fnName: string): AutogradError {
  return new AutogradError(
    fnName,
    'trying to backward through the graph a second time (or to read saved tensors after they were freed); pass { retainGraph: true } to the first backward',
  );
}

/** A saved array with its storage version at save time, and how to name it in an error. */
interface Watched {
  readonly label: string;
  readonly array: NDArray;
  readonly version: number;
}

function watch(label: string, array: NDArray): Watched {
  return { label, array, version: array.storage.version };
}

function check(fnName: string, watched: readonly Watched[]): void {
  for (const w of watched) {
    const now = w.array.storage.version;
    if (now !== w.version) {
      throw new AutogradError(
        fnName,
        `saved tensor ${w.label} (shape ${fmtShape(w.array.shape)}) was modified in place after it was saved for backward (version ${w.version} at save, ${now} now)`,
      );
    }
  }
}

const holdsArray = (value: unknown): boolean => value instanceof NDArray || (Array.isArray(value) && value.some((v) => v instanceof NDArray));

/** The context implementation: holds what forward saved, with the storage versions of its arrays. */
export class FunctionContext<O extends object = {}, S extends object = Record<string, unknown>> implements Context<O, S> {
  /** True once backward has run without retainGraph: saved arrays were released. */
  freed = false;
  private hadSaved = false;
  private positional: Watched[] = [];
  private named: Watched[] = [];
  // Until forward saves, the state is empty. `S` is the forward's promise of what it saves; like any
  // context, reading a field forward never saved gives undefined.
  private state = {} as S;
  constructor(
    readonly fnName: string,
    readonly options: O,
    readonly needsInputGrad: boolean[],
  ) {}

  save(state: S): void {
    const named: Watched[] = [];
    for (const [key, value] of Object.entries(state)) {
      if (value instanceof NDArray) named.push(watch(`'${key}'`, value));
      else if (Array.isArray(value)) value.forEach((v, i) => v instanceof NDArray && named.push(watch(`'${key}[${i}]'`, v)));
    }
    this.state = state;
    this.named = named;
  }

  get saved(): S {
    if (!this.freed) check(this.fnName, this.named);
    return this.state;
  }
  set saved(state: S) {
    this.state = state;
    this.named = [];
  }

  saveForBackward(...xs: NDArray[]): void {
    this.positional = xs.map((x, i) => watch(String(i), x));
  }

  get savedTensors(): NDArray[] {
    if (this.freed && this.hadSaved) throw freedError(this.fnName);
    check(this.fnName, this.positional);
    return this.positional.map((w) => w.array);
  }

  /** How many arrays are currently held for backward (0 after release). */
  get savedCount(): number {
    return this.positional.length + this.named.length;
  }

  /**
   * Drops the saved arrays, and every NDArray kept in `saved`, after a backward without retainGraph.
   * Reading them again throws (PyTorch's "backward through the graph a second time"); a Function that
   * saved no arrays can still run again, as in PyTorch.
   */
  release(): void {
    if (this.freed) return;
    this.freed = true;
    this.hadSaved = this.positional.length > 0;
    this.positional = [];
    this.named = [];
    const kept: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(this.state)) {
      if (holdsArray(value)) {
        const name = this.fnName;
        Object.defineProperty(kept, key, { enumerable: true, get: () => { throw freedError(name); } });
      } else kept[key] = value;
    }
    // the same keys as before, the arrays among them replaced by throwing getters
    this.state = kept as S;
  }
}
