// Live progress during an epoch: a cli-progress bar on a terminal, plain periodic lines elsewhere.
import cliProgress from 'cli-progress';

/** What the bar shows after each batch. */
export interface ProgressStats {
  done: number;
  total: number;
  imagesPerSec: number;
  loss: number;
  acc: number;
  lr: number;
}

/** A progress display for one epoch. */
export interface EpochProgress {
  update(s: ProgressStats): void;
  stop(): void;
}

function fmtEta(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** A bar when `stream` is a TTY, otherwise a plain line every `every` batches (and the last). */
export function epochProgress(label: string, total: number, stream: NodeJS.WriteStream = process.stdout, every = 20): EpochProgress {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {value}/{total} | {ips} img/s | eta {etaf} | loss {loss} | acc {acc}% | lr {lr}`,
        barsize: 24,
        hideCursor: true,
        clearOnComplete: true,
        stream,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { ips: '-', etaf: '--:--', loss: '-', acc: '-', lr: '-' });
    const start = Date.now();
    return {
      update(s) {
        const el = (Date.now() - start) / 1000;
        bar.update(s.done, {
          ips: s.imagesPerSec.toFixed(1),
          etaf: fmtEta(s.done > 0 ? (el / s.done) * (s.total - s.done) : NaN),
          loss: s.loss.toFixed(4),
          acc: (100 * s.acc).toFixed(1),
          lr: s.lr.toExponential(2),
        });
      },
      stop() {
        bar.stop();
      },
    };
  }
  const start = Date.now();
  return {
    update(s) {
      if (s.done % every !== 0 && s.done !== s.total) return;
      const el = (Date.now() - start) / 1000;
      const eta = (el / Math.max(s.done, 1)) * (s.total - s.done);
      stream.write(`${label} ${s.done}/${s.total} | ${s.imagesPerSec.toFixed(1)} img/s | eta ${fmtEta(eta)} | loss ${s.loss.toFixed(4)} | acc ${(100 * s.acc).toFixed(1)}% | lr ${s.lr.toExponential(2)}\n`);
    },
    stop() {},
  };
}

