// The ADDER_* environment variables, validated like the flags they stand for before a command does any work.
import { BACKENDS } from '@adder/tensor';
import { UsageError, suggest } from './flags';

/** The most kernel threads (as --threads and @adder/tensor's setNumThreads allow). */
const MAX_THREADS = 256;

/** Every environment variable the commands read, and the check of its value. */
const KNOWN: Readonly<Record<string, { expects: string; valid: (v: string) => boolean }>> = {
  ADDER_BACKEND: { expects: `one of ${BACKENDS.join(', ')}`, valid: (v) => (BACKENDS as readonly string[]).includes(v.trim()) },
  ADDER_THREADS: { expects: `an integer thread count from 1 to ${MAX_THREADS}`, valid: (v) => /^\s*\d+\s*$/.test(v) && Number(v) >= 1 && Number(v) <= MAX_THREADS },
};

/** The names of the ADDER_* variables the commands read. */
export const ENVIRONMENT_VARIABLES: readonly string[] = Object.keys(KNOWN);

/** Throws a UsageError naming the variable when an ADDER_* variable is unknown or its value is not valid. */
export function checkEnvironment(command: string, env: NodeJS.ProcessEnv = process.env): void {
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('ADDER_') || value === undefined) continue;
    const spec = KNOWN[name];
    if (!spec) {
      const hint = suggest(name, ENVIRONMENT_VARIABLES);
      throw new UsageError(`${command}: unknown environment variable ${name}${hint ? ` (did you mean ${hint}?)` : ''}; the commands read ${ENVIRONMENT_VARIABLES.join(', ')}`);
    }
    if (value.trim() === '') continue; // empty = unset, as the kernels read it
    if (!spec.valid(value)) throw new UsageError(`${command}: environment variable ${name} expects ${spec.expects}, got ${JSON.stringify(value)}`);
  }
}
