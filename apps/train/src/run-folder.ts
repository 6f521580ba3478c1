// The run folder: config.json, metrics.jsonl, curves.svg and summary.md (checkpoints sit beside them).
import fs from 'node:fs';
import path from 'node:path';
import { CliError } from './cli/errors';
import { renderCurvesSvg } from './svg-chart';

/** One line of metrics.jsonl: a periodic step line or an epoch summary. */
export type MetricLine =
  | { type: 'step'; epoch: number; step: number; loss: number; acc: number; lr: number; imagesPerSec: number }
  | { type: 'epoch'; epoch: number; step: number; lr: number; trainLoss: number; trainAcc: number; testLoss: number | null; testAcc: number | null; testTop5: number | null; seconds: number; loadShare: number; imagesPerSec: number };

/** Fields that hold wall-clock measurements (excluded when comparing runs for exactness). */
export const TIMING_FIELDS: readonly string[] = ['imagesPerSec', 'seconds', 'loadShare'];

/** A run-folder file that cannot be read back; the message names the file and the problem. */
export class RunFolderError extends CliError {
  constructor(file: string, message: string) {
    super('format', `run folder ${file}: ${message}`);
    this.name = 'RunFolderError';
  }
}

/** Writes a file atomically: a temporary file in the same folder, then rename (the temporary file is removed on failure). */
export function writeFileAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true }); // a failed write (disk full, a folder in the way) leaves no .tmp behind
    throw writeFailure(file, e, fs.existsSync(file) ? 'the previous file is unchanged' : 'nothing was written');
  }
}

/** A failed write as a one-line filesystem error naming the file (not its temporary) and what is left. */
function writeFailure(file: string, e: unknown, left: string): unknown {
  const code = (e as { code?: unknown }).code;
  if (typeof code !== 'string' || !/^E[A-Z]+$/.test(code)) return e;
  const reason = ((e as Error).message.split(',')[0] ?? code).replace(/^E[A-Z]+: /, '');
  return new CliError('filesystem', `cannot write ${file}: ${reason} (${code}); ${left}`);
}

/** The files a run writes into its folder (--force replaces exactly these). */
export const RUN_FILES: readonly string[] = ['config.json', 'metrics.jsonl', 'last.safetensors', 'best.safetensors', 'curves.svg', 'summary.md'];

/** A temporary file of our atomic writers: `name.<pid>.tmp` (writeFileAtomic) or `.name.<pid>.<ms>.tmp` (saveSafetensors). */
const TEMPORARY = /\.(\d+)(?:\.\d+)?\.tmp$/;

/** True when a process with this id is running. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
}

/** The run folder of a training run. */
export class RunFolder {
  constructor(readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true });
  }
  /** Removes the temporary files that a killed writer left behind (those of a process still running are kept); returns their names. */
  removeOrphanTemporaries(): string[] {
    const removed: string[] = [];
    for (const name of fs.readdirSync(this.dir)) {
      const m = TEMPORARY.exec(name);
      if (!m || Number(m[1]) === process.pid || alive(Number(m[1]))) continue;
      fs.rmSync(this.file(name), { force: true });
      removed.push(name);
    }
    return removed;
  }
  /** The run files present in the folder (what --out would overwrite). */
  existingRunFiles(): string[] {
    return RUN_FILES.filter((f) => fs.existsSync(this.file(f)));
  }
  /** Removes the run files (for --force), so that nothing of the old run mixes with the new one. */
  clearRunFiles(): void {
    for (const f of RUN_FILES) fs.rmSync(this.file(f), { force: true });
  }
  file(name: string): string {
    return path.join(this.dir, name);
  }
  writeConfig(config: unknown): void {
    writeFileAtomic(this.file('config.json'), `${JSON.stringify(config, null, 2)}\n`);
  }
  /** Appends one line; when the append fails (a full disk) the file is cut back to its previous length, or removed if it was new. */
  appendMetric(line: MetricLine): void {
    const f = this.file('metrics.jsonl');
    const before = fs.existsSync(f) ? fs.statSync(f).size : null;
    try {
      fs.appendFileSync(f, `${JSON.stringify(line)}\n`);
    } catch (e) {
      try {
        if (before === null) fs.rmSync(f, { force: true });
        else fs.truncateSync(f, before);
      } catch {
        // the folder itself is gone or read-only: the append's own error says more
      }
      throw writeFailure(f, e, before === null ? 'nothing was written' : 'its previous content is intact');
    }
  }
  /**
   * The lines of metrics.jsonl. A last line without its newline (an append cut short by a kill) is dropped;
   * any other line that is not JSON is an error naming the file and the line.
   */
  readMetrics(): MetricLine[] {
    const f = this.file('metrics.jsonl');
    if (!fs.existsSync(f)) return [];
    const lines = fs.readFileSync(f, 'utf8').split('\n');
    const torn = lines.pop(); // '' when the file ends with a newline, else the unfinished last append
    if (torn !== undefined && torn.trim() !== '') {
      try {
        JSON.parse(torn);
        lines.push(torn);
      } catch {
        // an unfinished append (the process was killed mid-write): drop it
      }
    }
    const out: MetricLine[] = [];
    lines.forEach((l, i) => {
      if (l.trim() === '') return;
      try {
        out.push(JSON.parse(l) as MetricLine);
      } catch {
        throw new RunFolderError(f, `line ${i + 1} is not JSON: ${JSON.stringify(l.slice(0, 80))}`);
      }
    });
    return out;
  }
  /** Keeps the lines a checkpoint has seen: step lines up to `step`, epoch lines before `epoch`. */
  truncateMetrics(step: number, epoch: number): MetricLine[] {
    const kept = this.readMetrics().filter((m) => (m.type === 'step' ? m.step <= step : m.epoch < epoch));
    writeFileAtomic(this.file('metrics.jsonl'), kept.map((m) => `${JSON.stringify(m)}\n`).join(''));
    return kept;
  }
  /** Redraws curves.svg from the epoch lines. */
  writeCurves(metrics: MetricLine[]): void {
    const epochs = metrics.filter((m): m is Extract<MetricLine, { type: 'epoch' }> => m.type === 'epoch');
    const n = epochs.length;
    const svg = renderCurvesSvg(
      [
        { title: 'Loss', yLabel: 'cross-entropy', series: [{ name: 'train', color: '#1f77b4', values: epochs.map((e) => e.trainLoss) }, { name: 'test', color: '#d62728', values: epochs.map((e) => e.testLoss) }] },
        { title: 'Accuracy', yLabel: 'top-1 accuracy (%)', series: [{ name: 'train', color: '#1f77b4', values: epochs.map((e) => 100 * e.trainAcc) }, { name: 'test', color: '#d62728', values: epochs.map((e) => (e.testAcc === null ? null : 100 * e.testAcc)) }] },
      ],
      n,
    );
    writeFileAtomic(this.file('curves.svg'), svg);
  }
  writeSummary(text: string): void {
    writeFileAtomic(this.file('summary.md'), text);
  }
}
