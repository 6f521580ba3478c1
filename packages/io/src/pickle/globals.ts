// The allow-list of globals a pickle may name. Anything else is refused by name; nothing is imported or run.
import type { GlobalHandler, PickleValue } from './values';
import { PyObject, PyOrderedDict, describeValue, isDict } from './values';
import { TORCH_GLOBALS } from './torch-globals';
import { NUMPY_GLOBALS } from './numpy-globals';

import { BuilderError } from './builder-error';
import { latin1Encode } from './latin1';

function iterableItems(what: string, v: PickleValue | undefined): readonly PickleValue[] {
  if (v === undefined) return [];
  if (Array.isArray(v)) return v;
  if (v instanceof Set) return [...v];
  throw new BuilderError(`${what} expects a list or tuple, got ${describeValue(v)}`);
}

function latin1Bytes(what: string, s: PickleValue | undefined): Uint8Array {
  if (typeof s !== 'string') throw new BuilderError(`${what} expects a str, got ${s === undefined ? 'nothing' : describeValue(s)}`);
  return latin1Encode(s);
}

/** Python builtins and the standard-library helpers that protocol-2 pickles use for plain data. */
const STDLIB_GLOBALS: Record<string, GlobalHandler> = {
  'collections.OrderedDict': {
    call(args) {
      const d = new PyOrderedDict();
      const init = args[0];
      if (init !== undefined && init !== null) {
        for (const pair of iterableItems('OrderedDict', init)) {
          if (!Array.isArray(pair) || pair.length !== 2) throw new BuilderError('OrderedDict expects (key, value) pairs');
          d.set(pair[0]!, pair[1]!);
        }
      }
      return d;
    },
    newObj: () => new PyOrderedDict(),
  },
  'builtins.set': { call: (args) => new Set(iterableItems('set', args[0])), newObj: () => new Set() },
  'builtins.frozenset': { call: (args) => new Set(iterableItems('frozenset', args[0])) },
  'builtins.list': { call: (args) => [...iterableItems('list', args[0])] },
  'builtins.tuple': { call: (args) => Object.freeze([...iterableItems('tuple', args[0])]) },
  'builtins.dict': {
    call(args) {
      const init = args[0];
      if (init === undefined) return new Map();
      if (isDict(init)) return new Map(init);
      throw new BuilderError(`dict expects a dict, got ${describeValue(init)}`);
    },
  },
  'builtins.bytes': {
    call(args) {
      if (args.length === 0) return new Uint8Array(0);
      const items = iterableItems('bytes', args[0]);
      return Uint8Array.from(items, (x, i) => {
        // as Python: bytes([...]) takes ints in range(256) only
        if ((typeof x !== 'number' && typeof x !== 'bigint') || !Number.isInteger(Number(x)) || x < 0 || x > 255) {
          throw new BuilderError(`bytes expects ints in [0, 255], got ${typeof x === 'number' || typeof x === 'bigint' ? String(x) : describeValue(x)} at index ${i}`);
        }
        return Number(x);
      });
    },
  },
  'builtins.bytearray': {
    call(args) {
      if (args.length === 0) return new Uint8Array(0);
      const a = args[0];
      if (a instanceof Uint8Array) return a.slice();
      return latin1Bytes('bytearray', a);
    },
  },
  // Python 3 pickles bytes at protocol 2 as _codecs.encode(text, 'latin1'): a pure data conversion.
  '_codecs.encode': {
    call(args) {
      const enc = args[1] ?? 'utf-8';
      if (enc !== 'latin1' && enc !== 'latin-1') {
        throw new BuilderError(`_codecs.encode is only allowed with the latin1 encoding, got ${String(enc)}`);
      }
      return latin1Bytes('_codecs.encode', args[0]);
    },
  },
};

/** Which extra globals a reader accepts beyond the standard library and torch. */
export interface AllowListOptions {
  /** Accept numpy's array reconstructors (numpy.core.multiarray._reconstruct, numpy.ndarray, numpy.dtype). */
  numpy?: boolean;
  /** Extra classes read as inert objects, e.g. a model's own nn.Module subclasses: 'module.Name' or 'module.*'. */
  inertClasses?: readonly string[];
}

/** True when a class is listed exactly, or its module is listed as 'module.*'. */
function listedInert(list: readonly string[], names: readonly string[], module: string): boolean {
  return list.some((entry) => names.includes(entry) || (entry.endsWith('.*') && entry.slice(0, -2) === module));
}

function inertClass(qualified: string): GlobalHandler {
  return {
    newObj: (args) => new PyObject(qualified, args),
    call: (args) => new PyObject(qualified, args),
  };
}

/** True for the torch.nn module classes that are read as inert objects without being listed. */
export function isTorchModuleClass(module: string): boolean {
  return module === 'torch.nn.modules' || module.startsWith('torch.nn.modules.');
}

/**
 * Resolves module.name against the allow-list (`__builtin__` is Python 2's `builtins`). Returns undefined
 * when the global is not allowed; the caller refuses it by name.
 */
export function resolveGlobal(module: string, name: string, opts: AllowListOptions): GlobalHandler | undefined {
  const mod = module === '__builtin__' ? 'builtins' : module;
  const qualified = `${mod}.${name}`;
  const known = STDLIB_GLOBALS[qualified] ?? TORCH_GLOBALS[qualified];
  if (known) return known;
  if (opts.numpy && NUMPY_GLOBALS[qualified]) return NUMPY_GLOBALS[qualified];
  if (isTorchModuleClass(mod) || listedInert(opts.inertClasses ?? [], [qualified, `${module}.${name}`], mod)) {
    return inertClass(qualified);
  }
  return undefined;
}
