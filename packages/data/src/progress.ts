// A small download progress reporter on stderr: a redrawn bar on a TTY, plain lines every 10% otherwise.

/** Receives download progress: bytes done so far and the total (null when the server does not say). */
export type ProgressSink = (done: number, total: number | null) => void;

/** A progress bar for `label` on `stream` (default stderr); call `finish()` after the last update. */
export function createProgressBar(label: string, stream: NodeJS.WriteStream = process.stderr): {
  update: ProgressSink;
  /** Ends the bar's line; call it once after the last update. */
  finish: () => void;
} {
  const tty = stream.isTTY === true;
  const started = Date.now();
  let lastStep = -1;
  let lastDraw = 0;
  const mb = (b: number): string => (b / 1048576).toFixed(1);
  const update: ProgressSink = (done, total) => {
    const now = Date.now();
    const rate = done / Math.max((now - started) / 1000, 1e-3);
    if (tty) {
      if (now - lastDraw < 100 && done !== total) return;
      lastDraw = now;
      const frac = total ? Math.min(done / total, 1) : 0;
      const width = 30;
      const filled = Math.round(frac * width);
      const bar = total ? `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}% ` : '';
      stream.write(`\r${label} ${bar}${mb(done)}${total ? `/${mb(total)}` : ''} MB ${mb(rate)} MB/s   `);
    } else {
      const step = total ? Math.floor((done / total) * 10) : Math.floor(done / (10 * 1048576));
      if (step === lastStep) return;
      lastStep = step;
      stream.write(`${label}: ${mb(done)}${total ? ` of ${mb(total)} MB (${Math.floor((done / total) * 100)}%)` : ' MB'}\n`);
    }
  };
  const finish = (): void => {
    if (tty) stream.write('\n');
  };
  return { update, finish };
}
