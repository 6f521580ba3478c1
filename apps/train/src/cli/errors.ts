// The one error path of the command-line entry points: every expected failure becomes one line naming the file
// or flag, with an exit code by class; anything else is a bug, printed with its stack and a line saying so.
import { DataError } from '@adder/data';
import { CheckpointError, PickleError, ResourceLimitError, SafetensorsError } from '@adder/io';
import { NNError } from '@adder/nn';
import { EXIT_CODES, type FailureClass } from './exit-codes';
import { UsageError } from './flags';

/** An expected failure raised by the commands themselves: its class picks the exit code. */
export class CliError extends Error {
  constructor(
    readonly failure: FailureClass,
    message: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Node's codes for a file-system call that failed, with what they mean to a user. */
const SYSTEM_CODES: Readonly<Record<string, [FailureClass, string]>> = {
  ENOENT: ['file', 'no such file or folder'],
  EISDIR: ['file', 'is a folder'],
  ENOTDIR: ['filesystem', 'a part of the path is a file, not a folder'],
  EEXIST: ['filesystem', 'a file is in the way'],
  ENOSPC: ['filesystem', 'no space left on the device'],
  EDQUOT: ['filesystem', 'disk quota exceeded'],
  EROFS: ['filesystem', 'read-only file system'],
  EACCES: ['filesystem', 'permission denied'],
  EPERM: ['filesystem', 'operation not permitted'],
  EMFILE: ['limit', 'too many open files'],
  ENAMETOOLONG: ['file', 'file name too long'],
  ELOOP: ['file', 'too many levels of symbolic links'],
  EIO: ['filesystem', 'input/output error'],
  EFBIG: ['filesystem', 'file too large'],
};

/** A Node system error (fs, child_process) with its code and path. */
function systemError(err: unknown): (Error & { code: string; path?: string; syscall?: string }) | null {
  const code = err instanceof Error ? (err as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' && code in SYSTEM_CODES
    ? (err as Error & { code: string; path?: string; syscall?: string })
    : null;
}


/** Classifies an error: its failure class and its one-line message, or null for a bug. */
export function classifyFailure(command: string, err: unknown): { failure: FailureClass; message: string } | null {
  const sys = systemError(err);
  if (sys) {
    const [failure, meaning] = SYSTEM_CODES[sys.code]!;
    const where = sys.path ?? '(unknown path)';
    const verb = sys.syscall === 'open' || sys.syscall === 'read' || sys.syscall === 'stat' || sys.syscall === 'scandir' ? 'cannot read' : 'cannot write';
    return { failure, message: oneLine(command, `${verb} ${where}: ${meaning} (${sys.code})`) };
  }
  if (!(err instanceof Error)) return null;
  if (err instanceof CliError) return { failure: err.failure, message: oneLine(command, err.message) };
  if (err instanceof UsageError) return { failure: 'usage', message: oneLine(command, err.message) };
  if (err instanceof ResourceLimitError) return { failure: 'limit', message: oneLine(command, err.message) };
  // a writer that wraps the system error in its own class (saveSafetensors: "could not write: ENOSPC: ...")
  const wrapped = /could not write: (E[A-Z]+)\b/.exec(err.message);
  if (wrapped && SYSTEM_CODES[wrapped[1]!]) return { failure: 'filesystem', message: oneLine(command, err.message) };
  if (err instanceof DataError) {
    const missing = /no such file|not found|does not exist|missing|download was not requested/i.test(err.message);
    return { failure: missing ? 'file' : 'format', message: oneLine(command, `${err.message}${/download was not requested/.test(err.message) ? ' Or pass --download to fetch it.' : ''}`) };
  }
  if (err instanceof SafetensorsError || err instanceof CheckpointError || err instanceof PickleError || err instanceof NNError || err.name === 'ZipFormatError') {
    return { failure: 'format', message: oneLine(command, err.message) };
  }
  // the readers' last line of defence: the engine's own limits, hit while reading an input
  if (err instanceof RangeError && /Maximum call stack size exceeded|Array buffer allocation failed|Invalid array length|Invalid typed array length/.test(err.message)) {
    return { failure: 'limit', message: oneLine(command, `an input needs more memory or nesting than this process allows (${err.message})`) };
  }
  return null;
}

/** Joins a message onto one line and prefixes the command when the message does not already name it. */
function oneLine(command: string, message: string): string {
  const flat = message.replace(/\s*\n\s*/g, ' | ').trim();
  return flat.startsWith(`${command}:`) ? flat : `${command}: ${flat}`;
}

/** Prints the failure (one line, or a stack trace for a bug) and returns the exit code. */
export function reportFailure(command: string, err: unknown, error: (line: string) => void = console.error): number {
  const known = classifyFailure(command, err);
  if (known) {
    error(known.message);
    return EXIT_CODES[known.failure];
  }
  error(`${command}: internal error. This is a bug in adder; please report it with the trace below.`);
  error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  return EXIT_CODES.bug;
}

/** Runs a command's main and exits with its code, or with the code of its failure. */
export function runCli(command: string, main: () => Promise<number> | number): void {
  Promise.resolve()
    .then(main)
    .then(
      (code) => process.exit(code),
      (err: unknown) => process.exit(reportFailure(command, err)),
    );
}
