// The fault-injection harness: runs a command in-process through the one error path (as its entry point would),
// captures what it prints, and fingerprints a folder so that a test can say that no file changed.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { classifyFailure, reportFailure } from '../../src/cli/errors';
import { evalCommand } from '../../src/cli/eval-command';
import { trainCommand } from '../../src/cli/train-command';
import { runConvert } from '../../src/convert';

/** What a command did: its exit code, its lines, and the class of the failure it reported (null: none, or a bug). */
export interface CommandResult {
  code: number;
  stdout: string[];
  stderr: string[];
  failure: string | null;
}

/** The commands the suite drives. */
export type CommandName = 'train' | 'eval' | 'convert';

/** Runs `pnpm COMMAND ARGV` in-process with `env` merged into process.env and INIT_CWD = cwd, then restores both. */
export async function runCommand(command: CommandName, argv: readonly string[], cwd: string, env: Record<string, string> = {}): Promise<CommandResult> {
  const saved = { ...process.env };
  for (const k of Object.keys(process.env)) if (k.startsWith('ADDER_')) delete process.env[k];
  Object.assign(process.env, env, { INIT_CWD: cwd });
  const stdout: string[] = [];
  const stderr: string[] = [];
  let failure: string | null = null;
  let code: number;
  try {
    if (command === 'convert') code = runConvert(argv, cwd, (l) => stdout.push(l), (l) => stderr.push(l));
    else if (command === 'eval') code = await evalCommand(argv, (l) => stdout.push(l));
    else {
      const stream = new PassThrough();
      stream.on('data', (c: Buffer) => stdout.push(c.toString('utf8')));
      code = await trainCommand(argv, { log: (l) => stdout.push(l), stdout: stream as unknown as NodeJS.WriteStream, handleSignals: false });
    }
  } catch (e) {
    failure = classifyFailure(command, e)?.failure ?? null;
    code = reportFailure(command, e, (l) => stderr.push(l));
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
  if (command === 'convert' && code !== 0 && failure === null) failure = 'reported';
  return { code, stdout, stderr, failure };
}

/** A fingerprint of every file under `dir` (relative path, size, content hash), for "nothing changed" checks. */
export function fingerprint(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        out[`${path.relative(dir, p)}/`] = 'dir';
        walk(p);
      } else if (e.isSymbolicLink()) out[path.relative(dir, p)] = `-> ${fs.readlinkSync(p)}`;
      else out[path.relative(dir, p)] = createHash('sha256').update(new Uint8Array(fs.readFileSync(p))).digest('hex');
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out;
}

/** Mounts a tmpfs of `size` (e.g. '1m') at a new folder, or returns the reason why this platform cannot. */
export function mountTmpfs(size: string, base: string): { dir: string; unmount: () => void } | { skip: string } {
  if (process.platform !== 'linux') return { skip: `tmpfs needs Linux, this is ${process.platform}` };
  if (process.getuid?.() !== 0) return { skip: 'mounting a tmpfs needs root, and this process is not root' };
  const dir = fs.mkdtempSync(path.join(base, 'tmpfs-'));
  const r = spawnSyncQuiet('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  if (r !== 0) {
    fs.rmdirSync(dir);
    return { skip: `mount -t tmpfs failed here (exit ${r}); no tmpfs, so the disk-full and read-only cases are skipped` };
  }
  return { dir, unmount: () => { spawnSyncQuiet('umount', [dir]); fs.rmSync(dir, { recursive: true, force: true }); } };
}

/** Remounts a tmpfs read-only (or read-write). */
export function remount(dir: string, mode: 'ro' | 'rw'): void {
  if (spawnSyncQuiet('mount', ['-o', `remount,${mode}`, dir]) !== 0) throw new Error(`remount ${mode} of ${dir} failed`);
}

function spawnSyncQuiet(cmd: string, args: string[]): number {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return r.status ?? 1;
}
