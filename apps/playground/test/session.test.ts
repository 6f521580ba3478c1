// TrainingSession in Node: a mid-run edit applies at the next step and not before; eta reaches the adder layers.
import { Adder2d } from '@adder/addernet';
import { describe, expect, it } from 'vitest';
import { TrainingSession } from '../src/engine/session';
import { nodeSample } from './node-sample';

const params = (s: TrainingSession): Float32Array[] => [...s.module.namedParameters()].map(([, p]) => Float32Array.from(p.data.contiguous().toTyped()));

describe('TrainingSession edits', () => {
  it('applies lr, momentum, eta and batch size at the next step', () => {
    const s = new TrainingSession({ architecture: 'small', kind: 'adder', seed: 3, lr: 0.05, momentum: 0.9, eta: 0.2, batchSize: 8 }, nodeSample());
    expect(s.step().lr).toBe(0.05);
    s.setHyper({ lr: 0, momentum: 0, eta: 0.5, batchSize: 4 });
    expect(s.current.lr).toBe(0.05); // queued, not yet applied
    const before = params(s);
    const record = s.step();
    expect(record.lr).toBe(0);
    // SGD with lr 0 and no momentum moves no parameter (p -= 0 * d)
    expect(params(s)).toEqual(before);
    expect(s.current).toEqual({ lr: 0, momentum: 0, eta: 0.5, batchSize: 4 });
    const adders = [...s.module.namedModules()].map(([, m]) => m).filter((m): m is Adder2d => m instanceof Adder2d);
    expect(adders.length).toBe(2);
    for (const a of adders) expect(a.eta).toBe(0.5);
    // eq. 13: the scaled dW of each adder layer has norm eta * sqrt(numel(W))
    for (const st of s.adderStats()) {
      const layer = adders.find((a) => st.name.startsWith('block') && a === s.module.getSubmodule(st.name))!;
      expect(st.scaledNorm).toBeCloseTo(0.5 * Math.sqrt(layer.adder.data.size), 3);
    }
  });
});
