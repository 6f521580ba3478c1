// Module: the tree of layers with PyTorch's dotted names for parameters, buffers and children.
import { Tensor } from '@adder/autograd';
import { isFloat, type DType, type NDArray } from '@adder/tensor';
import { NNError } from './errors';
import { Parameter } from './parameter';
import { summarize, type ModelSummary } from './summary';
import { loadIntoModule, type LoadStateDictOptions, type LoadStateDictResult } from './state-dict';

/** Called after a module's forward with its input and output; a returned Tensor replaces the output. */
export type ForwardHook = (module: Module, input: Tensor, output: Tensor) => Tensor | void;

/** A handle that unregisters a hook. */
export interface HookHandle {
  /** Unregisters the hook; calling it again does nothing. */
  remove(): void;
}

/**
 * The base of every layer (torch.nn.Module). Subclasses register parameters, buffers and children
 * (in that order they appear in state dicts, recursively) and implement forward(); callers use
 * call(), which runs forward and then the forward hooks.
 */
export abstract class Module {
  /** True in training mode (batch statistics, dropout active), false after eval(). */
  training = true;
  private readonly params = new Map<string, Parameter | null>();
  private readonly buffers = new Map<string, NDArray | null>();
  private readonly nonPersistent = new Set<string>();
  private readonly children_ = new Map<string, Module>();
  private readonly hooks = new Map<number, ForwardHook>();
  private nextHookId = 0;
  private parentInfo: { parent: Module; name: string } | null = null;

  /** The computation; use call() to run it with hooks. */
  abstract forward(input: Tensor): Tensor;

  /** Runs forward, then each forward hook in registration order (torch's module(x)). */
  call(input: Tensor): Tensor {
    let out = this.forward(input);
    for (const hook of this.hooks.values()) {
      const replaced = hook(this, input, out);
      if (replaced instanceof Tensor) out = replaced;
    }
    return out;
  }

  /** Registers a hook run after every call(); returns a handle whose remove() unregisters it. */
  registerForwardHook(hook: ForwardHook): HookHandle {
    const id = this.nextHookId++;
    this.hooks.set(id, hook);
    return { remove: () => void this.hooks.delete(id) };
  }

  /** Registers (or replaces) a parameter under `name`; null registers an absent one (e.g. bias=false). */
  registerParameter<P extends Parameter | null>(name: string, param: P): P {
    this.checkName(name, 'parameter');
    this.params.set(name, param);
    return param;
  }

  /** Registers (or replaces) a buffer: state saved in state dicts but not trained (running_mean, ...). */
  registerBuffer(name: string, buffer: NDArray | null, persistent = true): NDArray | null {
    this.checkName(name, 'buffer');
    this.buffers.set(name, buffer);
    if (persistent) this.nonPersistent.delete(name);
    else this.nonPersistent.add(name);
    return buffer;
  }

  /** Registers a child module under `name` (its state lives under `name.`). */
  registerModule<M extends Module>(name: string, module: M): M {
    this.checkName(name, 'module');
    this.children_.set(name, module);
    module.parentInfo = { parent: this, name };
    return module;
  }

  private checkName(name: string, kind: string): void {
    if (name === '' || name.includes('.')) throw new NNError(this.describe(), `${kind} name must be non-empty and contain no '.', got '${name}'`);
    const taken =
      (kind !== 'parameter' && this.params.has(name)) || (kind !== 'buffer' && this.buffers.has(name)) || (kind !== 'module' && this.children_.has(name));
    if (taken) throw new NNError(this.describe(), `attribute '${name}' is already registered as something other than a ${kind}`);
  }

  /** A registered parameter (throws when absent). */
  getParameter(name: string): Parameter {
    const p = this.params.get(name);
    if (p === undefined || p === null) throw new NNError(this.describe(), `has no parameter '${name}'`);
    return p;
  }
  /** A registered parameter, or null when registered as absent or not registered (e.g. bias=false). */
  optionalParameter(name: string): Parameter | null {
    return this.params.get(name) ?? null;
  }
  /** A registered buffer (throws when absent). */
  getBuffer(name: string): NDArray {
    const b = this.buffers.get(name);
    if (b === undefined || b === null) throw new NNError(this.describe(), `has no buffer '${name}'`);
    return b;
  }
  /** Replaces a registered buffer's array (keeps its persistence). */
  setBuffer(name: string, value: NDArray): void {
    if (!this.buffers.has(name)) throw new NNError(this.describe(), `has no buffer '${name}'`);
    this.buffers.set(name, value);
  }
  /** A registered child (throws when absent). */
  getModule(name: string): Module {
    const m = this.children_.get(name);
    if (m === undefined) throw new NNError(this.describe(), `has no child module '${name}'`);
    return m;
  }

  /** A descendant by dotted path, e.g. 'layer1.0.bn1' ('' is this module); throws naming the missing part. */
  getSubmodule(path: string): Module {
    let m: Module = this;
    if (path === '') return m;
    for (const part of path.split('.')) m = m.getModule(part);
    return m;
  }

  /** The dotted path from the root module ('' for a root). */
  get path(): string {
    const parts: string[] = [];
    let m: Module | null = this;
    while (m !== null && m.parentInfo !== null) {
      parts.unshift(m.parentInfo.name);
      m = m.parentInfo.parent;
    }
    return parts.join('.');
  }

  /** The class name and, below a root, the dotted path: used to name the layer in errors. */
  describe(): string {
    const p = this.path;
    return p === '' ? this.constructor.name : `${this.constructor.name} '${p}'`;
  }

  /** Direct children with their names, in registration order. */
  *namedChildren(): IterableIterator<[string, Module]> {
    yield* this.children_.entries();
  }
  /** Direct children, in registration order. */
  *children(): IterableIterator<Module> {
    yield* this.children_.values();
  }
  /** This module and every descendant, pre-order, with dotted names ('' for this one); each module once. */
  *namedModules(prefix = ''): IterableIterator<[string, Module]> {
    const seen = new Set<Module>();
    const stack: [string, Module][] = [[prefix, this]];
    while (stack.length > 0) {
      const [name, m] = stack.pop()!;
      if (seen.has(m)) continue;
      seen.add(m);
      yield [name, m];
      const kids = [...m.children_.entries()];
      for (let i = kids.length - 1; i >= 0; i--) {
        const [k, child] = kids[i]!;
        stack.push([name === '' ? k : `${name}.${k}`, child]);
      }
    }
  }
  /** This module and every descendant, pre-order. */
  *modules(): IterableIterator<Module> {
    for (const [, m] of this.namedModules()) yield m;
  }
  /** Every parameter with its dotted name, in state-dict order; a shared parameter appears once. */
  *namedParameters(): IterableIterator<[string, Parameter]> {
    const seen = new Set<Parameter>();
    for (const [prefix, m] of this.namedModules()) {
      for (const [k, p] of m.params) {
        if (p === null || seen.has(p)) continue;
        seen.add(p);
        yield [prefix === '' ? k : `${prefix}.${k}`, p];
      }
    }
  }
  /** Every parameter, in state-dict order. */
  *parameters(): IterableIterator<Parameter> {
    for (const [, p] of this.namedParameters()) yield p;
  }
  /** Every buffer with its dotted name (persistent or not). */
  *namedBuffers(): IterableIterator<[string, NDArray]> {
    for (const [prefix, m] of this.namedModules()) {
      for (const [k, b] of m.buffers) if (b !== null) yield [prefix === '' ? k : `${prefix}.${k}`, b];
    }
  }

  /** The number of parameter elements (only trainable ones with `trainableOnly`). */
  numParameters(trainableOnly = false): number {
    let n = 0;
    for (const p of this.parameters()) if (!trainableOnly || p.requiresGrad) n += p.size;
    return n;
  }

  /** Sets training mode on this module and every descendant. */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }
  /** Evaluation mode (train(false)). */
  eval(): this {
    return this.train(false);
  }
  /** Sets every parameter's gradient to null (PyTorch 2's set_to_none). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }
  /** Calls fn on every descendant and then this module (post-order, as torch's apply). */
  apply(fn: (m: Module) => void): this {
    for (const child of this.children_.values()) child.apply(fn);
    fn(this);
    return this;
  }
  /** Freezes (false) or unfreezes (true) every parameter. */
  requiresGrad_(flag = true): this {
    for (const p of this.parameters()) p.requiresGrad = flag;
    return this;
  }

  /** Converts float parameters, their gradients and float buffers to `dtype` (integer buffers stay). */
  to(dtype: DType): this {
    if (!isFloat(dtype)) throw new NNError(this.describe(), `to() expects a float dtype, got ${dtype}`);
    for (const m of this.modules()) {
      for (const p of m.params.values()) {
        if (p === null || !isFloat(p.data.dtype) || p.data.dtype === dtype) continue;
        p.data = p.data.cast(dtype);
        if (p.grad !== null) p.grad = new Tensor(p.grad.data.cast(dtype));
      }
      for (const [k, b] of m.buffers) {
        if (b !== null && isFloat(b.dtype) && b.dtype !== dtype) m.buffers.set(k, b.cast(dtype));
      }
    }
    return this;
  }

  /** Persistent state under PyTorch's names: each module's parameters, then buffers, then children. Shares storage. */
  stateDict(): Record<string, NDArray> {
    const out: Record<string, NDArray> = {};
    for (const [prefix, m] of this.namedModules()) {
      const pre = prefix === '' ? '' : `${prefix}.`;
      for (const [k, p] of m.params) if (p !== null) out[pre + k] = p.data;
      for (const [k, b] of m.buffers) if (b !== null && !m.nonPersistent.has(k)) out[pre + k] = b;
    }
    return out;
  }

  /**
   * Copies a state dict into this module. Missing and unexpected keys (when strict) and shape
   * mismatches are reported together in one NNError; nothing is changed unless everything fits.
   */
  loadStateDict(stateDict: Record<string, NDArray>, options: LoadStateDictOptions = {}): LoadStateDictResult {
    return loadIntoModule(this, stateDict, options);
  }

  /** The module tree with output shapes for an input of `inputShape` and parameter counts (see summarize). */
  summary(inputShape: readonly number[], options: { dtype?: DType } = {}): ModelSummary {
    return summarize(this, inputShape, options);
  }

  /**
   * Runs call(input) with parameters (by dotted name) replaced by the given tensors, then restores
   * them (torch.func.functional_call): gradients flow to the given tensors, e.g. gradcheck's leaves.
   */
  functionalCall(overrides: Record<string, Tensor>, input: Tensor): Tensor {
    const owners = new Map(this.namedModules());
    const restore: [Map<string, Parameter | null>, string, Parameter | null][] = [];
    try {
      for (const [key, t] of Object.entries(overrides)) {
        const cut = key.lastIndexOf('.');
        const owner = owners.get(cut < 0 ? '' : key.slice(0, cut));
        const local = key.slice(cut + 1);
        if (owner === undefined || !owner.params.has(local)) throw new NNError(this.describe(), `functionalCall: no parameter named '${key}'`);
        restore.push([owner.params, local, owner.params.get(local)!]);
        // the entry holds the plain Tensor only while this call runs
        owner.params.set(local, t as Parameter);
      }
      return this.call(input);
    } finally {
      for (let i = restore.length - 1; i >= 0; i--) {
        const [map, local, p] = restore[i]!;
        map.set(local, p);
      }
    }
  }

  /** Text after the class name in toString(), e.g. "3, 16, kernel_size=(3, 3)". */
  extraRepr(): string {
    return '';
  }

  /** PyTorch-style printout of the module tree. */
  toString(): string {
    const kids = [...this.children_.entries()];
    const head = `${this.constructor.name}(${this.extraRepr()}`;
    if (kids.length === 0) return `${head})`;
    const lines = kids.map(([k, m]) => `  (${k}): ${m.toString().split('\n').join('\n  ')}`);
    return `${head}\n${lines.join('\n')}\n)`;
  }
}
