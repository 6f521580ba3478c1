// Declarative flag tables for the command-line entry points, parsed with node's util.parseArgs.
import { parseArgs } from 'node:util';
import { EXIT_CODES_HELP } from './exit-codes';

/** One command-line flag: its type, default and help text. */
export interface FlagSpec {
  type: 'string' | 'boolean';
  help: string;
  default?: string | boolean;
  /** allowed values for a string flag */
  choices?: readonly string[];
  /** the value's placeholder in --help */
  placeholder?: string;
}

/** --backend of train, eval and parity: the kernel backend (see @adder/tensor's setBackend). */
export const BACKEND_FLAG: FlagSpec = {
  type: 'string',
  choices: ['js', 'simd'],
  default: 'ADDER_BACKEND, else simd where the runtime validates WebAssembly SIMD128',
  help: 'kernel backend: js (the reference loops) or simd (WebAssembly SIMD128)',
};

/** A table of flags keyed by their long name (without the dashes). */
export type FlagTable = Record<string, FlagSpec>;

/** A command-line usage error: printed without a stack trace, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/** The closest candidate within an edit distance of 3, if any. */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = 4;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best;
}

/** Parses argv against a table: unknown flags and bad choices throw UsageError with a suggestion. */
export function parseFlags(command: string, table: FlagTable, argv: readonly string[]): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  const options: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const [name, spec] of Object.entries(table)) options[name] = { type: spec.type };
  options['help'] = { type: 'boolean' };
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const m = /Unknown option '--?([^']+)'/.exec(msg);
    if (m) {
      const hint = suggest(m[1]!, Object.keys(table));
      throw new UsageError(`${command}: unknown flag --${m[1]}${hint ? ` (did you mean --${hint}?)` : ''}. See --help.`);
    }
    throw new UsageError(`${command}: ${msg}`);
  }
  const values: Record<string, string | boolean | undefined> = { ...(parsed.values as Record<string, string | boolean | undefined>) };
  for (const [name, spec] of Object.entries(table)) {
    const v = values[name];
    if (v !== undefined && spec.choices && typeof v === 'string' && !spec.choices.includes(v)) {
      const hint = suggest(v, spec.choices);
      throw new UsageError(`${command}: --${name} must be one of ${spec.choices.join('|')}, got '${v}'${hint ? ` (did you mean '${hint}'?)` : ''}`);
    }
  }
  return { values, positionals: parsed.positionals };
}

/** Renders --help from the table: every flag with its default. */
export function helpText(command: string, summary: string, table: FlagTable): string {
  const rows = Object.entries(table).map(([name, spec]) => {
    const left = `  --${name}${spec.type === 'string' ? ` ${spec.placeholder ?? (spec.choices ? spec.choices.join('|') : 'VALUE')}` : ''}`;
    const def = spec.default === undefined ? '' : ` (default: ${String(spec.default)})`;
    return `${left.padEnd(44)} ${spec.help}${def}`;
  });
  return `Usage: pnpm ${command} [flags]\n\n${summary}\n\nFlags:\n${rows.join('\n')}\n${'  --help'.padEnd(44)} show this help\n\n${EXIT_CODES_HELP}\n`;
}

/** Reads a numeric flag value: integer or float, with range checks. */
export function numberFlag(command: string, name: string, raw: string | boolean | undefined, opts: { integer?: boolean; min?: number; max?: number } = {}): number | undefined {
  if (raw === undefined) return undefined;
  // decimal notation only: Number() would also take '0x10', '0b11', ' 3 ' and 'Infinity'
  if (typeof raw !== 'string' || !DECIMAL.test(raw) || !Number.isFinite(Number(raw))) {
    throw new UsageError(`${command}: --${name} expects a decimal number, got '${String(raw)}'`);
  }
  const v = Number(raw);
  if (opts.integer && !Number.isInteger(v)) throw new UsageError(`${command}: --${name} expects an integer, got '${raw}'`);
  if (opts.min !== undefined && v < opts.min) throw new UsageError(`${command}: --${name} must be >= ${opts.min}, got ${v}`);
  if (opts.max !== undefined && v > opts.max) throw new UsageError(`${command}: --${name} must be <= ${opts.max}, got ${v}`);
  return v;
}

/** A decimal number: optional sign, digits with an optional fraction, an optional exponent. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** The directory the user ran pnpm from (pnpm runs scripts inside the package folder). */
export function userCwd(): string {
  return process.env['INIT_CWD'] ?? process.cwd();
}
