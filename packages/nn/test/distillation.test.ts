// klDiv and distillationLoss against naive float64 formulas, their gradients by gradcheck, and bad input.
// (PyTorch golden values: fixtures/parity/distillation-*.safetensors, run by pnpm parity.)
import { gradcheck, Tensor, tensor } from '@adder/autograd';
import { fromArray } from '@adder/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { distillationLoss, klDiv } from '../src/index';

function softmax(row: number[], T = 1): number[] {
  const m = Math.max(...row.map((v) => v / T));
  const e = row.map((v) => Math.exp(v / T - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

const matrix = (rows: number, cols: number) =>
  fc.array(fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: cols, maxLength: cols }), { minLength: rows, maxLength: rows });

describe('klDiv', () => {
  it("is sum p (log p - log q) / N ('batchmean') against a naive loop, with p log p = 0 at p = 0", () => {
    const logq = [[Math.log(0.2), Math.log(0.3), Math.log(0.5)], [Math.log(0.6), Math.log(0.4), Math.log(1e-300)]];
    const p = [[0.1, 0.4, 0.5], [0.5, 0.5, 0]];
    let naive = 0;
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) if (p[i]![j]! > 0) naive += p[i]![j]! * (Math.log(p[i]![j]!) - logq[i]![j]!);
    const input = tensor(logq, { dtype: 'float64' });
    const target = fromArray(p, 'float64');
    expect(klDiv(input, target).item()).toBeCloseTo(naive / 2, 14);
    expect(klDiv(input, target, { reduction: 'sum' }).item()).toBeCloseTo(naive, 14);
    expect(klDiv(input, target, { reduction: 'mean' }).item()).toBeCloseTo(naive / 6, 14);
    expect((klDiv(input, target, { reduction: 'none' }).toArray() as number[][])[1]![2]).toBe(0);
  });

  it('refuses mismatched shapes and dtypes, naming klDiv', () => {
    expect(() => klDiv(tensor([[0, 0]], { dtype: 'float64' }), fromArray([[1]], 'float64'))).toThrow(/klDiv: input shape \[1, 2\] and target shape \[1, 1\] differ/);
    expect(() => klDiv(tensor([[0, 0]], { dtype: 'float64' }), fromArray([[0.5, 0.5]], 'float32'))).toThrow(/klDiv: input is float64 but target is float32/);
  });
});

describe('distillationLoss', () => {
  it('is (1 - alpha) CE + alpha T^2 KL(softmax(t/T) || softmax(s/T)) against a naive float64 formula', () => {
    fc.assert(
      fc.property(matrix(3, 4), matrix(3, 4), fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 3, maxLength: 3 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0.5, max: 8, noNaN: true }),
        (s, t, y, alpha, T) => {
          let ce = 0, kl = 0;
          for (let i = 0; i < 3; i++) {
            ce -= Math.log(softmax(s[i]!)[y[i]!]!);
            const p = softmax(t[i]!, T), q = softmax(s[i]!, T);
            for (let j = 0; j < 4; j++) kl += p[j]! * (Math.log(p[j]!) - Math.log(q[j]!));
          }
          const naive = ((1 - alpha) * ce) / 3 + (alpha * T * T * kl) / 3;
          const got = distillationLoss(tensor(s, { dtype: 'float64' }), fromArray(t, 'float64'), y, { alpha, temperature: T }).item();
          expect(got).toBeCloseTo(naive, 10);
        }),
      { numRuns: 40 },
    );
  });

  it('passes gradcheck in float64 with respect to the student logits', () => {
    fc.assert(
      fc.property(matrix(4, 5), matrix(4, 5), fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 4, maxLength: 4 }), fc.constantFrom(0.3, 0.9, 1), fc.constantFrom(1, 2.5, 4), (s, t, y, alpha, T) => {
        const teacher = fromArray(t, 'float64');
        const ok = gradcheck((x: Tensor) => distillationLoss(x, teacher, y, { alpha, temperature: T }), [tensor(s, { dtype: 'float64', requiresGrad: true })]);
        expect(ok).toBe(true);
      }),
      { numRuns: 20 },
    );
  });

  it('the teacher receives no gradient, and bad options are refused by name', () => {
    const teacher = tensor([[1, 2, 3]], { dtype: 'float64', requiresGrad: true });
    const student = tensor([[0.5, 0, -1]], { dtype: 'float64', requiresGrad: true });
    distillationLoss(student, teacher, [2]).backward();
    expect(teacher.grad).toBeNull();
    expect(student.grad).not.toBeNull();
    expect(() => distillationLoss(student, teacher, [2], { alpha: 1.5 })).toThrow(/distillationLoss: alpha must be in \[0, 1\], got 1.5/);
    expect(() => distillationLoss(student, teacher, [2], { temperature: 0 })).toThrow(/distillationLoss: temperature must be a positive number, got 0/);
    expect(() => distillationLoss(student, tensor([[1, 2]], { dtype: 'float64' }), [2])).toThrow(/distillationLoss: expected student and teacher logits of one shape/);
  });
});
