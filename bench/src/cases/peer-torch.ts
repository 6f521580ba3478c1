// The PyTorch reference as a peer: runs tools/golden/bench_reference.py with Debian's /usr/bin/python3 (torch)
// in a child process, once per (batch, threads), and hands its figures to the cases that do the same work.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PeerFigure } from '../harness';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'tools', 'golden', 'bench_reference.py');

/** What bench_reference.py prints (the fields used here). */
interface TorchReport {
  threads: number;
  batch: number;
  layers: Array<{ layer: string; forward_seconds: number; forward_backward_seconds: number; peak_rss_mb: number }>;
  resnet20_train_step?: { step_seconds: number; images_per_s: number; peak_rss_mb: number };
}

/** A finished run of the reference, or why there is none. */
type TorchRun = { report: TorchReport; peakMb: number | undefined } | { skipped: string };

const runs = new Map<string, TorchRun>();
let available: string | null | undefined;

/** null when torch can be imported by /usr/bin/python3, else the reason it cannot. */
function torchMissing(): string | null {
  if (available !== undefined) return available;
  if (!existsSync(PYTHON)) available = `${PYTHON} not found`;
  else if (!existsSync(SCRIPT)) available = `${SCRIPT} not found`;
  else {
    const r = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
    available = r.status === 0 ? null : 'torch not installed for /usr/bin/python3 (apt-get install python3-torch)';
  }
  return available;
}

/** Runs the reference once for this batch and thread count (cached); trainSteps 0 skips the ResNet-20 step. */
export function torchRun(batch: number, threads: number, repeats: number, trainSteps: number): TorchRun {
  const key = `${batch}/${threads}/${repeats}/${trainSteps}`;
  const cached = runs.get(key);
  if (cached) return cached;
  let run: TorchRun;
  const missing = torchMissing();
  if (missing !== null) run = { skipped: `skipped: ${missing}` };
  else {
    const args = [SCRIPT, '--batch', String(batch), '--threads', String(threads), '--repeats', String(repeats), '--train-steps', String(trainSteps)];
    // run the script in-process through runpy, then print VmHWM: the script's own ru_maxrss keeps this (large)
    // parent's RSS across fork and exec, so it over-states small peaks
    const wrapper = `import runpy, sys; sys.argv = ${JSON.stringify(args)}; runpy.run_path(sys.argv[0], run_name='__main__'); ` +
      `sys.stderr.write('VmHWM_KB ' + [l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0] + '\\n')`;
    const r = spawnSync(PYTHON, ['-c', wrapper], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (r.status === 0) {
      const hwm = /VmHWM_KB (\d+)/.exec(r.stderr);
      run = { report: JSON.parse(r.stdout) as TorchReport, peakMb: hwm ? Number(hwm[1]) / 1024 : undefined };
    } else {
      run = { skipped: `failed: ${(r.stderr || String(r.error)).trim().split('\n').pop()}` };
    }
  }
  runs.set(key, run);
  return run;
}

/** The reference's forward or forward+backward time of one ResNet-20 layer (name like "16->16@32x32"). */
export function torchLayerPeer(batch: number, threads: number, repeats: number, trainSteps: number, layer: string, pass: 'fwd' | 'fwd+bwd'): PeerFigure {
  const peer = `torch-ref t${threads}`;
  const run = torchRun(batch, threads, repeats, trainSteps);
  if ('skipped' in run) return { peer, note: run.skipped };
  const l = run.report.layers.find((x) => x.layer === layer);
  if (!l) return { peer, note: `no layer ${layer} in the report` };
  const seconds = pass === 'fwd' ? l.forward_seconds : l.forward_backward_seconds;
  return { peer, ms: seconds * 1000, peakRssMb: run.report.batch === batch ? run.peakMb : undefined, note: 'best of repeats; peak RSS of the whole reference run (VmHWM)' };
}

/** The reference's ResNet-20 AdderNet training step time. */
export function torchTrainPeer(batch: number, threads: number, repeats: number, steps: number): PeerFigure {
  const peer = `torch-ref t${threads}`;
  const run = torchRun(batch, threads, repeats, steps);
  if ('skipped' in run) return { peer, note: run.skipped };
  const s = run.report.resnet20_train_step;
  if (!s) return { peer, note: 'no training step in the report' };
  return { peer, ms: s.step_seconds * 1000, peakRssMb: run.peakMb, note: 'best of steps; peak RSS of the whole reference run (VmHWM)' };
}
