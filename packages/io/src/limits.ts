// Resource limits of the readers (untrusted files): their defaults, and the one error every refusal throws.

/** The limits of the pickle reader (docs/interop.md lists the defaults). */
export interface PickleLimits {
  /** Most memo entries a pickle may store (PUT / BINPUT / MEMOIZE). */
  maxMemoEntries: number;
  /** Most values the pickle machine may create (every opcode that makes a value counts one; GET of a memo does not). */
  maxObjects: number;
  /** Most decimal digits of a text INT / LONG (Python's int max_str_digits, 4,300). */
  maxIntDigits: number;
}

/** The limits of the .pth loader's walk from the unpickled value to its tensors. */
export interface TensorLimits {
  /** Deepest nesting of dicts and modules the walk follows (Python's recursion limit, 1,000, bounds what torch.save writes). */
  maxDepth: number;
  /** A tensor view may address at most this many times the elements of its storage (a stride-0 view of 1 element is an expansion). */
  maxViewExpansion: number;
  /** Most tensor names a checkpoint may yield (a container shared under many names yields its tensors under each). */
  maxTensors: number;
}

/** Every limit of the .pth reader. */
export type CheckpointLimits = PickleLimits & TensorLimits;

/** The default pickle limits: far above any real checkpoint or CIFAR batch, far below what exhausts memory. */
export const DEFAULT_PICKLE_LIMITS: Readonly<PickleLimits> = Object.freeze({
  maxMemoEntries: 1_000_000,
  maxObjects: 5_000_000,
  maxIntDigits: 4_300,
});

/** The default tensor limits. */
export const DEFAULT_TENSOR_LIMITS: Readonly<TensorLimits> = Object.freeze({
  maxDepth: 1_000,
  maxViewExpansion: 16,
  maxTensors: 100_000,
});

/** The default limits of loadTorchCheckpoint. */
export const DEFAULT_CHECKPOINT_LIMITS: Readonly<CheckpointLimits> = Object.freeze({ ...DEFAULT_PICKLE_LIMITS, ...DEFAULT_TENSOR_LIMITS });

/** The defaults with the given overrides, each override checked to be a positive integer. */
export function resolveLimits<T extends object>(defaults: Readonly<T>, given: Partial<T> | undefined, where: string): T {
  const out = { ...defaults };
  for (const [k, v] of Object.entries(given ?? {})) {
    if (!Object.prototype.hasOwnProperty.call(defaults, k)) throw new TypeError(`${where}: unknown limit '${k}' (known: ${Object.keys(defaults).join(', ')})`);
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw new TypeError(`${where}: limit ${k} must be a positive integer, got ${String(v)}`);
    (out as Record<string, number>)[k] = v;
  }
  return out;
}

/** Replaces line breaks so that an error built from file content stays on one line. */
export function oneLine(text: string): string {
  return text.replace(/\r\n|\r|\n/g, '\\n');
}

/**
 * A reader refused a file because it would exceed a resource limit. The message names the file, where in it
 * (a key, a tensor name or a byte offset), the limit's option name and its value, and what was found.
 */
export class ResourceLimitError extends Error {
  constructor(
    /** The file (or '<bytes>'). */
    readonly file: string,
    /** Where in the file: a dict key path, a tensor name, a member, or a byte offset. */
    readonly key: string,
    /** The option that raises the limit, e.g. 'maxDepth'. */
    readonly limit: string,
    /** The limit's value. */
    readonly value: number,
    /** What was found, e.g. 'nesting deeper than 1000 containers'. */
    readonly found: string,
    /** How to raise the limit, when it can be raised. */
    howToRaise = `pass a larger ${limit} in the reader's limits option to accept it`,
  ) {
    super(oneLine(`${file}: ${key}: ${found}, over the limit ${limit} = ${value}${howToRaise ? ` (${howToRaise})` : ''}`));
    this.name = 'ResourceLimitError';
  }
}
