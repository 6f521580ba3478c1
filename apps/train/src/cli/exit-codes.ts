// The exit codes of the commands, by class of failure, and their section of --help.

/** The classes of expected failure, each with its own exit code. */
export type FailureClass = 'diverged' | 'usage' | 'file' | 'format' | 'limit' | 'filesystem';

/** Exit codes of train, eval, convert and parity (130/143: stopped by SIGINT/SIGTERM; 70: a bug). */
export const EXIT_CODES: Readonly<Record<FailureClass | 'ok' | 'bug' | 'sigint' | 'sigterm', number>> = {
  ok: 0,
  diverged: 1,
  usage: 2,
  file: 3,
  format: 4,
  limit: 5,
  filesystem: 6,
  bug: 70,
  sigint: 130,
  sigterm: 143,
};

/** The "Exit codes" section of every command's --help. */
export const EXIT_CODES_HELP = [
  'Exit codes:',
  '  0    success',
  '  1    the run failed (a non-finite training loss; parity: a fixture out of tolerance)',
  '  2    usage: a bad flag or environment variable (ADDER_BACKEND, ADDER_THREADS)',
  '  3    file: an input is missing, unreadable or a folder, or an output would overwrite what was not asked for',
  '  4    format: a damaged or unrecognised checkpoint, dataset or run folder',
  '  5    resource limit: an input needs more memory, nesting or size than the readers allow',
  '  6    filesystem: an output cannot be written (disk full, read-only, no permission, a file in the way)',
  '  70   a bug in adder (printed with a stack trace)',
  '  130  stopped by Ctrl-C (SIGINT); 143 by SIGTERM',
].join('\n');
