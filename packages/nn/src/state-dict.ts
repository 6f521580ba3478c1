// Loading a state dict into a module: validate everything first, report every problem at once, then copy.
import { assign, fmtShape, sameShape, type NDArray } from '@adder/tensor';
import { NNError } from './errors';
import type { Module } from './module';

/** Options of Module.loadStateDict. */
export interface LoadStateDictOptions {
  /** Require the keys to match exactly (default true). Shape mismatches are errors either way. */
  strict?: boolean;
  /** A prefix removed from every key that has it, e.g. 'module.' from DataParallel. */
  stripPrefix?: string;
}

/** What a non-strict load skipped. */
export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/** Removes `prefix` from every key that starts with it (torch's consume_prefix_in_state_dict_if_present). */
export function stripStateDictPrefix(sd: Record<string, NDArray>, prefix: string): Record<string, NDArray> {
  const out: Record<string, NDArray> = {};
  for (const [k, v] of Object.entries(sd)) out[k.startsWith(prefix) ? k.slice(prefix.length) : k] = v;
  return out;
}

/** Validates and copies `stateDict` into `module` in place (casting dtypes); see Module.loadStateDict. */
export function loadIntoModule(module: Module, stateDict: Record<string, NDArray>, options: LoadStateDictOptions = {}): LoadStateDictResult {
  const strict = options.strict ?? true;
  const sd = options.stripPrefix !== undefined ? stripStateDictPrefix(stateDict, options.stripPrefix) : stateDict;
  const own = module.stateDict();
  const missingKeys = Object.keys(own).filter((k) => !(k in sd));
  const unexpectedKeys = Object.keys(sd).filter((k) => !(k in own));
  const problems: string[] = [];
  for (const [k, dst] of Object.entries(own)) {
    const src = sd[k];
    if (src === undefined) continue;
    if (!sameShape(src.shape, dst.shape)) {
      problems.push(`size mismatch for ${k}: the state dict has shape ${fmtShape(src.shape)}, the model has ${fmtShape(dst.shape)}`);
    }
  }
  if (strict) {
    const keyProblems: string[] = [];
    if (missingKeys.length > 0) keyProblems.push(`missing keys (${missingKeys.length}): ${missingKeys.join(', ')}`);
    if (unexpectedKeys.length > 0) keyProblems.push(`unexpected keys (${unexpectedKeys.length}): ${unexpectedKeys.join(', ')}`);
    problems.unshift(...keyProblems);
  }
  if (problems.length > 0) {
    throw new NNError(`${module.constructor.name}.loadStateDict`, `error(s) in loading the state dict:\n  ${problems.join('\n  ')}`);
  }
  for (const [k, dst] of Object.entries(own)) {
    const src = sd[k];
    if (src === undefined) continue;
    assign(dst, src.dtype === dst.dtype ? src : src.cast(dst.dtype));
  }
  return { missingKeys, unexpectedKeys };
}
