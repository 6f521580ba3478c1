// A second Ctrl-C must end the process within a second, but a training step is synchronous: while it runs, the
// process's own signal handlers cannot. A small watchdog process in the same process group sees every Ctrl-C of the
// terminal too; after the second, it gives the trainer one second to save and exit by itself, and then ends it.
import { fork } from 'node:child_process';

/** The watchdog's program (plain JavaScript, run with `node -e`). */
const WATCHDOG = `
const parent = Number(process.argv[1]);
let count = 0;
const alive = () => { try { process.kill(parent, 0); return true; } catch { return false; } };
const onSignal = (sig) => () => {
  count++;
  if (count < 2) return;
  setTimeout(() => {
    if (!alive()) process.exit(0);
    try { process.kill(parent, 'SIGKILL'); } catch {}
    process.stderr.write('\\n' + sig + ' again: the step in progress did not finish within a second; exiting now. Nothing was saved since the last checkpoint in the run folder.\\n');
    process.exit(0);
  }, 1000);
};
process.on('SIGINT', onSignal('SIGINT'));
process.on('disconnect', () => process.exit(0));
setInterval(() => { if (!alive()) process.exit(0); }, 500);
`;

/** Starts the watchdog (once per process); it exits by itself when this process does. */
export function startInterruptWatchdog(): void {
  // only a terminal's Ctrl-C (or a kill of the process group) reaches the watchdog; a lone `kill -INT` reaches only this process
  if (started) return;
  started = true;
  const child = fork('-e', [WATCHDOG, String(process.pid)], { execArgv: [], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  child.unref();
  child.channel?.unref();
}
let started = false;
