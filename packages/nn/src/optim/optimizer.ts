// The optimiser base: parameter groups with their own options, per-parameter state, and a state dict
// that splits into named NDArrays (for a checkpoint's `optim.*` tensors) and JSON-able scalars.
import type { NDArray } from '@adder/tensor';
import { NNError } from '../errors';

/** What an optimiser needs of a parameter (a Parameter satisfies it). */
export interface OptimParam {
  data: NDArray;
  grad: { data: NDArray } | null;
  requiresGrad: boolean;
}

/** A parameter group: its parameters and any options that override the optimiser's defaults. */
export type ParamGroupSpec<O> = { params: OptimParam[] } & Partial<O>;

/** A live parameter group: parameters plus the full set of options (lr is writable by schedules). */
export type ParamGroup<O> = { params: OptimParam[] } & O;

/** Per-parameter state: named buffers plus scalar counters. */
export interface ParamState {
  buffers: Record<string, NDArray>;
  scalars: Record<string, number>;
}

/** The JSON-able half of an optimiser state dict. */
export interface OptimizerStateMeta {
  optimizer: string;
  /** Each group's options and the global indices of its parameters, as PyTorch's param_groups. */
  paramGroups: Array<Record<string, number | boolean | number[]>>;
  /** Per-parameter scalars (e.g. Adam's step), keyed by parameter index. */
  scalars: Record<string, Record<string, number>>;
}

/** An optimiser state dict: tensors named `state.<index>.<buffer>` plus JSON metadata. */
export interface OptimizerStateDict {
  tensors: Record<string, NDArray>;
  meta: OptimizerStateMeta;
}

/** Base class of SGD, Adam and AdamW. */
export abstract class Optimizer<O extends { lr: number }> {
  /** The parameter groups; a schedule writes `paramGroups[i].lr`. */
  readonly paramGroups: ParamGroup<O>[] = [];
  /** Per-parameter state, created lazily on the first step that sees the parameter. */
  readonly state = new Map<OptimParam, ParamState>();
  protected readonly name: string;
  readonly defaults: O;

  constructor(name: string, paramsIn: Iterable<OptimParam> | ParamGroupSpec<O>[], defaults: O) {
    this.name = name;
    this.defaults = defaults;
    this.validate(defaults);
    // a list of parameters (e.g. model.parameters()) or of parameter groups
    const params = [...paramsIn] as OptimParam[] | ParamGroupSpec<O>[];
    if (params.length === 0) throw new NNError(name, 'got an empty parameter list');
    const groups: ParamGroupSpec<O>[] = isGroupList(params) ? params : [{ params } as ParamGroupSpec<O>];
    for (const g of groups) this.addParamGroup(g);
  }

  /** Checks one group's options; throws an NNError naming the bad option. */
  protected abstract validate(options: O): void;
  /** Updates the parameters of one group from their gradients. */
  protected abstract updateGroup(group: ParamGroup<O>): void;

  /** Adds a group; its missing options come from the defaults. A parameter may sit in only one group. */
  addParamGroup(spec: ParamGroupSpec<O>): void {
    const group = { ...this.defaults, ...spec, params: [...spec.params] } as ParamGroup<O>;
    this.validate(group);
    const seen = new Set(this.paramGroups.flatMap((g) => g.params));
    for (const p of group.params) {
      if (seen.has(p)) throw new NNError(this.name, 'some parameters appear in more than one parameter group');
      seen.add(p);
    }
    this.paramGroups.push(group);
  }

  /** One optimisation step over every parameter that requires a gradient and has one. */
  step(): void {
    for (const g of this.paramGroups) this.updateGroup(g);
  }

  /** Sets every gradient to null (PyTorch 2's set_to_none). */
  zeroGrad(): void {
    for (const g of this.paramGroups) for (const p of g.params) p.grad = null;
  }

  /** The parameters this step updates in a group: trainable, with a gradient (frozen ones are skipped). */
  protected activeParams(group: ParamGroup<O>): { p: OptimParam; param: Float32Array | Float64Array; grad: NDArray }[] {
    const out: { p: OptimParam; param: Float32Array | Float64Array; grad: NDArray }[] = [];
    for (const p of group.params) {
      if (!p.requiresGrad || p.grad === null) continue;
      const d = p.data;
      if (d.dtype !== 'float32' && d.dtype !== 'float64') {
        throw new NNError(this.name, `expected float parameters, got ${d.dtype}`);
      }
      if (!d.isContiguous || d.offset !== 0 || d.data.length !== d.size) {
        throw new NNError(this.name, `expected contiguous parameters owning their storage, got shape [${d.shape.join(', ')}] strides [${d.strides.join(', ')}] at offset ${d.offset} of a buffer of ${d.data.length}`);
      }
      const grad = p.grad.data;
      if (grad.size !== d.size || grad.shape.length !== d.shape.length || grad.shape.some((s, i) => s !== d.shape[i])) {
        throw new NNError(this.name, `gradient shape [${grad.shape.join(', ')}] does not match parameter shape [${d.shape.join(', ')}]`);
      }
      out.push({ p, param: d.data as Float32Array | Float64Array, grad: grad.contiguous() });
    }
    return out;
  }

  /** The state of a parameter, created empty on first use. */
  protected stateOf(p: OptimParam): ParamState {
    let s = this.state.get(p);
    if (s === undefined) {
      s = { buffers: {}, scalars: {} };
      this.state.set(p, s);
    }
    return s;
  }

  /** All parameters in group order; a parameter's index here is its key in the state dict. */
  private allParams(): OptimParam[] {
    return this.paramGroups.flatMap((g) => g.params);
  }

  /** The state as named NDArrays (`state.<i>.<buffer>`, cloned) plus JSON-able groups and scalars. */
  stateDict(): OptimizerStateDict {
    const tensors: Record<string, NDArray> = {};
    const scalars: Record<string, Record<string, number>> = {};
    const params = this.allParams();
    params.forEach((p, i) => {
      const s = this.state.get(p);
      if (s === undefined) return;
      for (const [k, v] of Object.entries(s.buffers)) tensors[`state.${i}.${k}`] = v.clone();
      if (Object.keys(s.scalars).length > 0) scalars[String(i)] = { ...s.scalars };
    });
    let next = 0;
    const paramGroups = this.paramGroups.map((g) => {
      const entry: Record<string, number | boolean | number[]> = {};
      for (const [k, v] of Object.entries(g)) {
        if (k !== 'params' && (typeof v === 'number' || typeof v === 'boolean')) entry[k] = v;
      }
      entry.params = g.params.map(() => next++);
      return entry;
    });
    return { tensors, meta: { optimizer: this.name, paramGroups, scalars } };
  }

  /** Restores a state dict from stateDict(); checks it fits these groups before changing anything. */
  loadStateDict(sd: OptimizerStateDict): void {
    const where = `${this.name}.loadStateDict`;
    const problems: string[] = [];
    if (sd.meta.optimizer !== this.name) problems.push(`state dict is for ${sd.meta.optimizer}, not ${this.name}`);
    if (sd.meta.paramGroups.length !== this.paramGroups.length) {
      problems.push(`state dict has ${sd.meta.paramGroups.length} parameter groups, optimiser has ${this.paramGroups.length}`);
    }
    const params = this.allParams();
    sd.meta.paramGroups.forEach((g, gi) => {
      const ids = g.params;
      const mine = this.paramGroups[gi];
      if (mine !== undefined && (!Array.isArray(ids) || ids.length !== mine.params.length)) {
        problems.push(`group ${gi} has ${Array.isArray(ids) ? ids.length : 0} parameters in the state dict, ${mine.params.length} here`);
      }
    });
    const restored = new Map<OptimParam, ParamState>();
    for (const [key, arr] of Object.entries(sd.tensors)) {
      const m = /^state\.(\d+)\.(.+)$/.exec(key);
      const p = m ? params[Number(m[1])] : undefined;
      if (!m || p === undefined) {
        problems.push(`unexpected key ${key}`);
        continue;
      }
      if (!sameShapeOf(arr.shape, p.data.shape)) {
        problems.push(`${key}: shape [${arr.shape.join(', ')}] does not match parameter shape [${p.data.shape.join(', ')}]`);
        continue;
      }
      const s = restored.get(p) ?? { buffers: {}, scalars: {} };
      s.buffers[m[2]!] = arr.cast(p.data.dtype);
      restored.set(p, s);
    }
    for (const [idx, sc] of Object.entries(sd.meta.scalars)) {
      const p = params[Number(idx)];
      if (p === undefined) {
        problems.push(`scalars for unknown parameter index ${idx}`);
        continue;
      }
      const s = restored.get(p) ?? { buffers: {}, scalars: {} };
      s.scalars = { ...sc };
      restored.set(p, s);
    }
    if (problems.length > 0) throw new NNError(where, `cannot load the optimiser state:\n  ${problems.join('\n  ')}`);
    sd.meta.paramGroups.forEach((g, gi) => {
      const mine = this.paramGroups[gi]!;
      const opts: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(g)) if (k !== 'params') opts[k] = v;
      Object.assign(mine, opts);
    });
    this.state.clear();
    for (const [p, s] of restored) this.state.set(p, s);
  }
}

function isGroupList<O>(params: OptimParam[] | ParamGroupSpec<O>[]): params is ParamGroupSpec<O>[] {
  const first = params[0] as unknown as Record<string, unknown>;
  return typeof first === 'object' && first !== null && Array.isArray(first.params);
}

function sameShapeOf(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

/** Throws unless `value` is a finite number >= 0 (an optimiser option check). */
export function checkNonNegative(where: string, option: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new NNError(where, `invalid ${option}: expected a finite number >= 0, got ${value}`);
  }
}

