// The disk at its edges (issue 19), on a small tmpfs where the platform allows mounting one (else skipped with the
// reason printed): a read-only location, a full disk during metrics appends, config writes and checkpoints, SIGKILL
// at random points followed by --resume, and orphan temporary files.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/cli/exit-codes';
import { type MetricLine, RunFolder, writeFileAtomic } from '../../src/run-folder';
import { mountTmpfs, remount, runCommand } from './harness';
import { TINY_RUN } from './generators';

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'adder-disk-'));
const mounts: Array<() => void> = [];
afterAll(() => {
  for (const u of mounts) u();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A fresh tmpfs of `size`, or null after printing why none can be mounted here. */
function tmpfs(size: string): string | null {
  const m = mountTmpfs(size, tmp);
  if ('skip' in m) {
    console.log(`skipped: ${m.skip}`);
    return null;
  }
  mounts.push(m.unmount);
  return m.dir;
}

/** Fills the file system holding `dir` until a write fails with ENOSPC. */
function fillDisk(dir: string): void {
  const fd = fs.openSync(path.join(dir, 'filler'), 'w');
  const chunk = new Uint8Array(4096);
  try {
    for (;;) fs.writeSync(fd, chunk);
  } catch (e) {
    expect((e as { code?: string }).code).toBe('ENOSPC');
  } finally {
    fs.closeSync(fd);
  }
}

const STEP: MetricLine = { type: 'step', epoch: 1, step: 25, loss: 2.302585092994046, acc: 0.125, lr: 0.1, imagesPerSec: 123.456 };

describe('a read-only location', () => {
  it('train --out and eval --predictions on it: EROFS named with the flag, exit 6, before any work', async () => {
    const ro = tmpfs('1m');
    if (ro === null) return;
    const runs = fs.mkdtempSync(path.join(tmp, 'runs-'));
    const base = await runCommand('train', [...TINY_RUN, '--out', 'base'], runs);
    expect(base.code, base.stderr.join('\n')).toBe(0);
    remount(ro, 'ro');
    const t = await runCommand('train', [...TINY_RUN, '--out', path.join(ro, 'run')], tmp);
    expect(t.stderr).toEqual([`train: --out ${path.join(ro, 'run')}: cannot write in ${ro}: read-only file system (EROFS)`]);
    expect(t.code).toBe(EXIT_CODES.filesystem);
    const e = await runCommand('eval', ['--checkpoint', path.join(runs, 'base', 'last.safetensors'), '--dataset', 'synthetic', '--predictions', path.join(ro, 'p', 'preds.csv')], tmp);
    expect(e.stderr).toEqual([`eval: --predictions ${path.join(ro, 'p', 'preds.csv')}: cannot write in ${ro}: read-only file system (EROFS)`]);
    expect(e.code).toBe(EXIT_CODES.filesystem);
    expect(e.stdout.join('\n')).not.toMatch(/evaluated in/);
  }, 60_000);
});

describe('a full disk', () => {
  it('a metrics.jsonl append cut short by ENOSPC leaves the previous content intact', () => {
    const disk = tmpfs('64k');
    if (disk === null) return;
    const run = new RunFolder(path.join(disk, 'run'));
    run.appendMetric(STEP);
    // pad the file to 40 bytes short of a page, so that the next append is written in part before ENOSPC
    const f = run.file('metrics.jsonl');
    const line = JSON.stringify(STEP);
    fs.writeFileSync(f, `${line}\n${line}${' '.repeat(4096 - 40 - 2 * (line.length + 1))}\n`);
    const before = fs.readFileSync(f, 'utf8');
    fillDisk(disk);
    expect(() => run.appendMetric(STEP)).toThrow(`cannot write ${f}: no space left on device (ENOSPC); its previous content is intact`);
    expect(fs.readFileSync(f, 'utf8')).toBe(before);
    expect(run.readMetrics()).toHaveLength(2);
  });

  it('config.json written atomically on a full disk: the old file stays, no temporary file is left', () => {
    const disk = tmpfs('64k');
    if (disk === null) return;
    const file = path.join(disk, 'config.json');
    writeFileAtomic(file, '{"epochs": 3}\n');
    fillDisk(disk);
    expect(() => writeFileAtomic(file, `${JSON.stringify({ epochs: 4, pad: 'x'.repeat(20_000) })}\n`)).toThrow(`cannot write ${file}: no space left on device (ENOSPC); the previous file is unchanged`);
    expect(fs.readFileSync(file, 'utf8')).toBe('{"epochs": 3}\n');
    expect(fs.readdirSync(disk).sort()).toEqual(['config.json', 'filler']);
  });

  it('train on a disk too small for its checkpoint: one line naming the file, exit 6, metrics.jsonl intact, no .tmp left', async () => {
    const disk = tmpfs('1m'); // a CNN ResNet-20 checkpoint with momentum is about 2.2 MB
    if (disk === null) return;
    const r = await runCommand('train', [...TINY_RUN, '--out', path.join(disk, 'run')], tmp);
    expect(r.code).toBe(EXIT_CODES.filesystem);
    expect(r.stderr).toHaveLength(1);
    expect(r.stderr[0]).toMatch(/^train: safetensors \S+last\.safetensors: could not write: ENOSPC/);
    const files = fs.readdirSync(path.join(disk, 'run')).sort();
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(new RunFolder(path.join(disk, 'run')).readMetrics().map((m) => m.type)).toEqual(['epoch']);
  }, 60_000);
});

describe('SIGKILL at random points, then --resume', () => {
  it('a run killed at a random moment resumes to the end, cleaning the temporary files of the killed writers', async () => {
    const disk = tmpfs('32m') ?? fs.mkdtempSync(path.join(tmp, 'kill-'));
    const out = path.join(disk, 'run');
    const flags = ['--dataset', 'synthetic', '--kind', 'cnn', '--subset', '8', '--eval-subset', '4', '--batch-size', '4', '--epochs', '4', '--bn-recalib', '0', '--threads', '1'];
    let seed = 19;
    const random = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const runUntilKilled = (args: string[]): Promise<string> =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'src/train.ts', ...args], { cwd: appDir, env: { ...process.env, INIT_CWD: tmp }, stdio: ['ignore', 'pipe', 'pipe'] });
        let text = '';
        let armed = false;
        const onData = (d: Buffer): void => {
          text += d.toString('utf8');
          if (!armed && /epoch 1\/4 1\/2/.test(text)) {
            armed = true; // training is under way: kill it at a random moment of the next ~1.5 s
            setTimeout(() => child.kill('SIGKILL'), 50 + random() * 1500);
          }
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.on('close', () => resolve(text));
      });
    await runUntilKilled([...flags, '--out', out]);
    // an orphan of a writer killed just before its rename (pid 2^22 + 1 is above Linux's default pid_max)
    const orphan = `.last.safetensors.${2 ** 22 + 1}.1.tmp`;
    fs.writeFileSync(path.join(out, orphan), 'partial');
    const resumeOrStart = (): string[] => (fs.existsSync(path.join(out, 'last.safetensors')) ? ['--resume', out, '--threads', '1'] : [...flags, '--out', out, '--force']);
    const r = await runCommand('train', resumeOrStart(), tmp);
    expect(r.code, r.stderr.join('\n')).toBe(0);
    expect(r.stdout.join('\n')).toMatch(new RegExp(`Removed \\d+ temporary file\\(s\\) left by a killed run: .*${orphan.replace(/\./g, '\\.')}`));
    expect(fs.readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(new RunFolder(out).readMetrics().filter((m) => m.type === 'epoch').map((m) => m.epoch)).toEqual([1, 2, 3, 4]);
  }, 120_000);
});
