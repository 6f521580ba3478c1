// Ctrl-C at the edges (issue 19): a first Ctrl-C during step 1 stops right after step 1; a second Ctrl-C in the
// middle of a long step ends the process within about a second (the watchdog), saying that nothing was saved.
// The runs are real `pnpm train` processes in a process group of their own, signalled as a terminal would.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../../src/checkpoint';

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'adder-signals-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A run whose steps take a while: an AdderNet ResNet-20 on 32 synthetic images per step, js kernels, one thread. */
const SLOW = ['--dataset', 'synthetic', '--subset', '64', '--eval-subset', '4', '--batch-size', '32', '--epochs', '1', '--bn-recalib', '0', '--threads', '1', '--backend', 'js'];

/** Runs `pnpm train` in a new process group; `onLine` sees the output so far and may signal the group. */
function runGroup(args: string[], onOutput: (out: string, signalGroup: (s: NodeJS.Signals) => void) => void): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; closedAt: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/train.ts', ...args], { cwd: appDir, env: { ...process.env, INIT_CWD: tmp }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  const signalGroup = (s: NodeJS.Signals): void => {
    process.kill(-child.pid!, s);
  };
  const onData = (d: Buffer): void => {
    out += d.toString('utf8');
    onOutput(out, signalGroup);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const guard = setTimeout(() => signalGroup('SIGKILL'), 100_000);
  return new Promise((resolve) => child.on('close', (code, signal) => {
    clearTimeout(guard);
    resolve({ code, signal, out, closedAt: performance.now() });
  }));
}

describe('Ctrl-C at the edges', () => {
  it('a first Ctrl-C during step 1 stops after step 1 with a checkpoint of step 1', async () => {
    let sent = false;
    const r = await runGroup([...SLOW, '--out', 'first'], (out, sig) => {
      if (!sent && /run folder: /.test(out)) {
        sent = true;
        sig('SIGINT');
      }
    });
    expect(r.out).toContain('SIGINT: finishing the current step');
    expect(r.out).toContain('Stopped at epoch 1, step 1.');
    expect(r.code).toBe(130);
    expect(loadCheckpoint(path.join(tmp, 'first', 'last.safetensors')).state!.step).toBe(1);
  }, 120_000);

  it('a second Ctrl-C in the middle of a long step ends the process within about a second, saying nothing was saved', async () => {
    let stage = 0;
    let secondAt = 0;
    const r = await runGroup([...SLOW, '--out', 'second'], (out, sig) => {
      if (stage === 0 && /run folder: /.test(out)) {
        stage = 1;
        sig('SIGINT');
        setTimeout(() => {
          secondAt = performance.now();
          sig('SIGINT');
        }, 150);
      }
    });
    const seconds = (r.closedAt - secondAt) / 1000;
    console.log(`second Ctrl-C: exited after ${seconds.toFixed(2)} s: ${/saved the checkpoint/.test(r.out) ? 'the trainer saved step 1' : 'the watchdog ended the step'}`);
    // either the step ended and the trainer saved it, or the watchdog ended the step after a second
    expect(r.out).toMatch(/SIGINT again: (exiting now; saved the checkpoint of step 1|the step in progress did not finish within a second; exiting now\. Nothing was saved)/);
    expect(seconds).toBeLessThan(2.5); // one second of grace, plus the start of a loaded 2-core machine
    expect(r.out).not.toContain('epoch 1/1  train loss'); // it did not run on to the end of the epoch
  }, 120_000);
});
