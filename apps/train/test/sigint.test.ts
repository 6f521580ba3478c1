// Ctrl-C and SIGTERM in a real child process running the `pnpm train` script: the current step finishes, a resumable
// checkpoint is written, the resume command is printed, and the exit code is 130 (SIGINT) or 143 (SIGTERM).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../src/checkpoint';

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'adder-sigint-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The `train` script of package.json, as pnpm runs it (inside apps/train). */
const script = (JSON.parse(fs.readFileSync(path.join(appDir, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['train']!;

/** Runs the script with `args` (INIT_CWD = tmp, as pnpm sets it); sends each signal once stdout matches its pattern. */
function runTrainScript(args: string[], signals: [RegExp, NodeJS.Signals][]): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }> {
  const [cmd, ...pre] = script.split(' ');
  const child = spawn(cmd === 'node' ? process.execPath : cmd!, [...pre, ...args], { cwd: appDir, env: { ...process.env, INIT_CWD: tmp }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const pending = [...signals];
  const onData = (d: Buffer): void => {
    out += d.toString('utf8');
    while (pending.length > 0 && pending[0]![0].test(out)) child.kill(pending.shift()![1]);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const guard = setTimeout(() => child.kill('SIGKILL'), 90_000);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal, out });
    });
  });
}

const FLAGS = ['--dataset', 'synthetic', '--kind', 'cnn', '--subset', '4', '--eval-subset', '4', '--batch-size', '4', '--epochs', '5', '--bn-recalib', '0', '--threads', '1'];
/** The first plain progress line (one step per epoch, so it closes epoch 1's training). */
const FIRST_PROGRESS = /^epoch 1\/5 1\/1 \| [\d.]+ img\/s/m;

describe('pnpm train under SIGINT and SIGTERM', () => {
  it('runs under plain node, so no wrapper kills a busy child before its handler runs', () => {
    // tsx's CLI relays a signal to its child and SIGKILLs it when the child does not answer within ~60 ms,
    // which a child in the middle of a training step never does: the checkpoint would be lost
    expect(script).toMatch(/^node --import tsx src\/adder\.ts train$/);
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s: finishes the step, writes last.safetensors, prints the resume command, exits %i', async (sig, exitCode) => {
    const out = `run-${sig}`;
    const r = await runTrainScript([...FLAGS, '--out', out], [[FIRST_PROGRESS, sig]]);
    const last = path.join(tmp, out, 'last.safetensors');
    expect(r.out).toContain(`${sig}: finishing the current step`);
    expect(r.out).toContain(`Resume with: pnpm train --resume ${last}`);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(exitCode);
    const ck = loadCheckpoint(last);
    expect(ck.optim).not.toBeNull();
    expect(ck.state!.step).toBeGreaterThanOrEqual(1);
    expect(ck.state!.step).toBeLessThan(5);
    expect(fs.readdirSync(path.join(tmp, out)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a second Ctrl-C exits at once with 130, and the last complete checkpoint survives', async () => {
    const out = 'run-twice';
    const r = await runTrainScript([...FLAGS, '--epochs', '40', '--out', out], [[/^epoch 2\/40 1\/1 \|/m, 'SIGINT'], [/SIGINT: finishing the current step/, 'SIGINT']]);
    expect(r.code).toBe(130);
    expect(r.out).toMatch(/SIGINT again: exiting now|Stopped (at|after) epoch/);
    const ck = loadCheckpoint(path.join(tmp, out, 'last.safetensors'));
    expect(ck.state!.step).toBeGreaterThanOrEqual(1);
  });
});
