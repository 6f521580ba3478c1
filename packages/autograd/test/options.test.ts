// Options an op cannot honour, and unknown option keys, throw errors naming the op and the option, also
// through untyped calls (plain JavaScript, a config file): nothing is silently ignored.
import { describe, expect, it } from 'vitest';
import { AutogradError, avgPool2d, checkOptions, conv2d, fold, maxPool2d, maxPool2dWithIndices, randn, unfold, zeros } from '@adder/autograd';

const x = randn([1, 1, 4, 4], { dtype: 'float64' });

describe('unsupported options are refused by name', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['avgPool2d ceilMode not a boolean', () => avgPool2d(x, { kernelSize: 2, ceilMode: 'yes' } as never), /^avgPool2d: ceilMode must be a boolean, got "yes"$/],
    ['avgPool2d countIncludePad not a boolean', () => avgPool2d(x, { kernelSize: 2, countIncludePad: 0 } as never), /^avgPool2d: countIncludePad must be a boolean, got 0$/],
    ['conv2d groups not dividing the channels', () => conv2d(x, zeros([1, 1, 1, 1], { dtype: 'float64' }), null, { groups: 2 } as never), /^conv2d: groups 2 must divide input channels 1/],
  ];
  for (const [name, run, message] of cases) {
    it(name, () => {
      expect(run).toThrow(AutogradError);
      expect(run).toThrow(message);
    });
  }

  it("torch's defaults given explicitly are accepted", () => {
    // maxPool2d implements dilation and ceilMode (pool.test.ts checks them against torch)
    expect(maxPool2d(x, { kernelSize: 3, stride: 2, ceilMode: true }).shape).toEqual([1, 1, 2, 2]);
    expect(maxPool2dWithIndices(x, { kernelSize: 2, dilation: 2 }).values.shape).toEqual([1, 1, 1, 1]);
    const a = maxPool2d(x, { kernelSize: 2, ceilMode: false, dilation: 1 });
    expect(a.toArray()).toEqual(maxPool2d(x, { kernelSize: 2 }).toArray());
    expect(maxPool2d(x, { kernelSize: 2, dilation: [1, 1] }).shape).toEqual([1, 1, 2, 2]);
    const b = avgPool2d(x, { kernelSize: 2, ceilMode: false, countIncludePad: true });
    expect(b.toArray()).toEqual(avgPool2d(x, { kernelSize: 2 }).toArray());
    expect(conv2d(x, zeros([1, 1, 1, 1], { dtype: 'float64' }), null, { groups: 1 }).shape).toEqual([1, 1, 4, 4]);
  });
});

describe('unknown option keys are refused by name', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['maxPool2d', () => maxPool2d(x, { kernelSize: 2, ceil_mode: true } as never), /^maxPool2d: unknown option 'ceil_mode' \(expected one of kernelSize, stride, padding, dilation, ceilMode\)$/],
    ['maxPool2d returnIndices', () => maxPool2d(x, { kernelSize: 2, returnIndices: true } as never), /^maxPool2d: unknown option 'returnIndices'/],
    ['avgPool2d', () => avgPool2d(x, { kernelSize: 2, divisorOverride: 3 } as never), /^avgPool2d: unknown option 'divisorOverride'/],
    ['conv2d', () => conv2d(x, zeros([1, 1, 1, 1], { dtype: 'float64' }), null, { paddingMode: 'reflect' } as never), /^conv2d: unknown option 'paddingMode'/],
    ['unfold', () => unfold(x, { kernelSize: 2, strides: 2 } as never), /^unfold: unknown option 'strides'/],
    ['fold', () => fold(unfold(x, { kernelSize: 2 }), { kernelSize: 2, outputSize: 4, pad: 1 } as never), /^fold: unknown option 'pad'/],
  ];
  for (const [name, run, message] of cases) {
    it(name, () => {
      expect(run).toThrow(AutogradError);
      expect(run).toThrow(message);
    });
  }

  it('checkOptions names every unknown key and refuses a non-object', () => {
    expect(() => checkOptions('op', { a: 1, b: 2, c: 3 }, ['a'])).toThrow("op: unknown options 'b', 'c' (expected one of a)");
    expect(() => checkOptions('op', 5, ['a'])).toThrow('op: expected an options object, got number');
    expect(() => checkOptions('op', [1], ['a'])).toThrow('op: expected an options object, got an Array');
    expect(() => checkOptions('op', undefined, ['a'])).not.toThrow();
    expect(() => checkOptions('op', { a: undefined }, ['a'])).not.toThrow();
    const custom = (where: string, message: string): Error => new RangeError(`${where}! ${message}`);
    expect(() => checkOptions('op', { z: 1 }, ['a'], custom)).toThrow(RangeError);
  });
});
