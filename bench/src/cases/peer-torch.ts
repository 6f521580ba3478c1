// PyTorch as a peer: runs tools/golden/bench_reference.py with Debian's /usr/bin/python3 (torch) in a child process,
// once per set of arguments, for the reference adder's layers (figures for the multicore suite's cases) and for whole
// ResNet-20 training steps (rows of the resnet suite: PyTorch's own CNN, and the reference AdderNet).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExternalFigure, PeerFigure } from '../harness';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'tools', 'golden', 'bench_reference.py');

/** What bench_reference.py prints (the fields used here). */
interface TorchReport {
  threads: number;
  batch: number;
  layers: Array<{ layer: string; forward_seconds: number; forward_backward_seconds: number; peak_rss_mb: number }>;
  resnet20_train_step?: {
    kind: string; step_seconds: number; median_seconds: number; cpu_seconds: number; steps: number; images_per_s: number;
    peak_rss_mb: number; mkldnn: boolean;
  };
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

/** Runs bench_reference.py with these arguments once (cached by them). */
function runReference(scriptArgs: readonly string[]): TorchRun {
  const key = scriptArgs.join(' ');
  const cached = runs.get(key);
  if (cached) return cached;
  let run: TorchRun;
  const missing = torchMissing();
  if (missing !== null) run = { skipped: `skipped: ${missing}` };
  else {
    const args = [SCRIPT, ...scriptArgs];
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

/** Runs the reference's layers once for this batch and thread count (cached); trainSteps 0 skips the ResNet-20 step. */
export function torchRun(batch: number, threads: number, repeats: number, trainSteps: number): TorchRun {
  return runReference(['--batch', String(batch), '--threads', String(threads), '--repeats', String(repeats), '--train-steps', String(trainSteps)]);
}

/**
 * One PyTorch ResNet-20 training step (forward, cross-entropy, backward, SGD with momentum 0.9 and weight decay
 * 5e-4), timed by bench_reference.py in a fresh process: `cnn` is PyTorch's own nn.Conv2d network (oneDNN), `adder`
 * the reference AdderNet (tools/golden/reference_adder.py, which builds multi-GB temporaries: 18-74 s a step here,
 * so run it with few steps). `warmup` untimed steps come first.
 */
export function torchTrainStep(kind: 'cnn' | 'adder', batch: number, threads: number, steps: number, warmup: number): ExternalFigure {
  const run = runReference([
    '--batch', String(batch), '--threads', String(threads), '--skip-layers', '--train-kind', kind,
    '--train-steps', String(steps), '--warmup-steps', String(warmup),
  ]);
  if ('skipped' in run) return { skipped: run.skipped };
  const s = run.report.resnet20_train_step;
  if (!s) return { skipped: 'failed: no training step in the report' };
  const what = kind === 'cnn' ? `nn.Conv2d${s.mkldnn ? ', oneDNN' : ', no oneDNN'}` : 'reference adder';
  const out: ExternalFigure = {
    medianMs: s.median_seconds * 1000, minMs: s.step_seconds * 1000, cpuMs: s.cpu_seconds * 1000, reps: s.steps,
    note: `${what}, ${run.report.threads} threads, ${warmup} warmup step${warmup === 1 ? '' : 's'}; RSS of the whole Python run`,
  };
  if (run.peakMb !== undefined) out.peakRssMb = run.peakMb;
  return out;
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
