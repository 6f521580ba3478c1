// Runs every example in smoke mode (so the docs' examples cannot rot) and checks what each one reports.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { KindResult } from './adder-vs-conv';
import type { GradcheckExampleResult } from './gradcheck-custom-op';
import { loadSafetensors } from '@adder/io';
import { CHECKPOINT, FIXTURE, type OfficialCheckpointResult } from './load-official-checkpoint';
import type { XorResult } from './mlp-xor';
import { EXAMPLES } from './registry';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

async function runSmoke<R>(name: string): Promise<{ result: R; lines: string[] }> {
  const lines: string[] = [];
  const { main } = await EXAMPLES[name]!();
  const result = (await main({ smoke: true, log: (l) => lines.push(l) })) as R;
  return { result, lines };
}

const TESTED = ['gradcheck-custom-op', 'mlp-xor', 'adder-vs-conv', 'load-official-checkpoint'];

describe('examples (smoke mode)', () => {
  it('every registered example has a test below', () => {
    expect(Object.keys(EXAMPLES).sort()).toEqual([...TESTED].sort());
  });

  it('gradcheck-custom-op: the correct backward passes, the one that ignores gradOut fails', async () => {
    const { result } = await runSmoke<GradcheckExampleResult>('gradcheck-custom-op');
    expect(result.correctPassed).toBe(true);
    expect(result.brokenPassed).toBe(false);
    expect(result.brokenReport).toMatch(/Jacobian mismatch/);
  });

  it('mlp-xor: the loss falls and all four XOR points are classified right', async () => {
    const { result } = await runSmoke<XorResult>('mlp-xor');
    expect(result.lastLoss).toBeLessThan(result.firstLoss / 10);
    expect(result.accuracy).toBe(1);
  });

  it('adder-vs-conv: both kinds train, and the op counts follow from the layer shapes', async () => {
    const { result, lines } = await runSmoke<KindResult[]>('adder-vs-conv');
    // smoke network (width 4) on 28x28: stem 1->4 at 28x28, 3x3 layers 4->8 at 14x14 and 8->8 at 7x7, linear 8->10
    const macs = (cin: number, cout: number, k: number, hw: number): number => cin * cout * k * k * hw * hw;
    const stem = macs(1, 4, 3, 28), mid1 = macs(4, 8, 3, 14), mid2 = macs(8, 8, 3, 7), fc = 8 * 10;
    const [adder, cnn] = result as [KindResult, KindResult];
    expect(adder.kind).toBe('adder');
    expect(cnn.kind).toBe('cnn');
    for (const r of result) {
      expect(r.macs).toBe(stem + mid1 + mid2 + fc);
      expect(r.testAccuracy).toBeGreaterThanOrEqual(0);
      expect(r.testAccuracy).toBeLessThanOrEqual(1);
    }
    expect(cnn.multiplications).toBe(cnn.macs);
    expect(cnn.additions).toBe(cnn.macs);
    expect(adder.multiplications).toBe(stem + fc);
    expect(adder.additions).toBe(2 * (mid1 + mid2) + stem + fc);
    expect(lines.some((l) => l.startsWith('adder')) && lines.some((l) => l.startsWith('cnn'))).toBe(true);
  });

  it('load-official-checkpoint: agrees with PyTorch on the fixture input, or says the file is absent', async () => {
    const { result, lines } = await runSmoke<OfficialCheckpointResult | null>('load-official-checkpoint');
    if (!existsSync(CHECKPOINT)) {
      expect(result).toBeNull();
      expect(lines[0]).toMatch(/not at/);
      return;
    }
    expect(result).not.toBeNull();
    expect(result!.tensors).toBe(132);
    expect(result!.predictions).toEqual(result!.torchPredictions);
    // the parity standard of packages/addernet/test/checkpoint.test.ts: within 1e-3 * max|logit| of PyTorch's float64 logits
    const torchLogits = loadSafetensors(FIXTURE).tensors['logits']!.narrow(0, 0, result!.predictions.length);
    const maxLogit = Math.max(...Array.from(torchLogits.contiguous().toTyped(), Math.abs));
    expect(result!.maxAbsLogitDiff).toBeLessThanOrEqual(1e-3 * maxLogit);
    expect(lines.join('\n')).toContain('40,370,176 in adder layers');
  });

  it('pnpm example: runs a named example and refuses an unknown one', () => {
    const tsx = `${ROOT}node_modules/.bin/tsx`;
    const ok = spawnSync(tsx, ['examples/run.ts', 'gradcheck-custom-op', '--smoke'], { cwd: ROOT, encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('gradcheck(softplus): passed');
    const bad = spawnSync(tsx, ['examples/run.ts', 'no-such-example'], { cwd: ROOT, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('unknown example');
  });
});
