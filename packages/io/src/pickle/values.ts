// The JavaScript shapes of unpickled Python values: plain JS where possible, inert wrappers elsewhere.

/**
 * An unpickled value. None -> null, bool -> boolean, int -> number (bigint beyond 2^53), float -> number,
 * str -> string, bytes -> Uint8Array, list -> array, tuple -> frozen array, dict -> Map, set -> Set,
 * allow-listed globals -> PyGlobal, inert class instances -> PyObject, builders' results -> PickleExtension.
 */
export type PickleValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PickleValue[]
  | readonly PickleValue[]
  | PickleDict
  | Set<PickleValue>
  | PyGlobal
  | PyObject
  | PickleExtension;

/** A Python dict (or OrderedDict), in insertion order. */
export type PickleDict = Map<PickleValue, PickleValue>;

/** A value made by an allow-listed builder (a tensor reference, a numpy array, ...). */
export interface PickleExtension {
  /** What the builder made, e.g. 'torch.Tensor' or 'numpy.ndarray'. */
  readonly pickleKind: string;
  /** BUILD support: applies pickled state, or throws when the object takes none. */
  setState?(state: PickleValue): void;
}

/** How an allow-listed global behaves when the pickle calls it or instantiates it. */
export interface GlobalHandler {
  /** REDUCE: callable(*args). Absent -> calling it is refused. */
  call?(args: readonly PickleValue[]): PickleValue;
  /** NEWOBJ: cls.__new__(cls, *args). Absent -> instantiating it is refused. */
  newObj?(args: readonly PickleValue[]): PickleValue;
}

/** An allow-listed global (module.name) pushed by GLOBAL / STACK_GLOBAL. */
export class PyGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
    readonly handler: GlobalHandler,
  ) {}
  /** module.name */
  get qualifiedName(): string {
    return `${this.module}.${this.name}`;
  }
}

/**
 * An inert instance of an allow-listed class (e.g. a torch.nn module): it records its class name, the
 * constructor arguments and the state BUILD gave it, and never runs any of the class's code.
 */
export class PyObject {
  /** Instance attributes (the pickled __dict__). */
  readonly attributes = new Map<string, PickleValue>();
  /** State that was not a plain attribute dict (e.g. a __setstate__ tuple), in BUILD order. */
  readonly otherState: PickleValue[] = [];
  constructor(
    readonly className: string,
    readonly args: readonly PickleValue[],
  ) {}
}

/** A dict that carries instance attributes too, as OrderedDict state dicts do (`_metadata`). */
export class PyOrderedDict extends Map<PickleValue, PickleValue> {
  /** Attributes set by BUILD (torch's `_metadata`). */
  readonly attributes = new Map<string, PickleValue>();
}

/** True for a tuple (tuples are frozen arrays; lists are not). */
export function isTuple(v: PickleValue): v is readonly PickleValue[] {
  return Array.isArray(v) && Object.isFrozen(v);
}

/** True for a dict or OrderedDict. */
export function isDict(v: PickleValue): v is PickleDict {
  return v instanceof Map;
}

/** A short description of a value's type, for error messages. */
export function describeValue(v: PickleValue): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'string') return 'str';
  if (v instanceof Uint8Array) return 'bytes';
  if (Array.isArray(v)) return `${Object.isFrozen(v) ? 'tuple' : 'list'} of ${v.length}`;
  if (v instanceof Map) return 'dict';
  if (v instanceof Set) return 'set';
  if (v instanceof PyGlobal) return `global ${v.qualifiedName}`;
  if (v instanceof PyObject) return `${v.className} object`;
  return (v as PickleExtension).pickleKind;
}
