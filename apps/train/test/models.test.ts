// buildModel passes every spec field to the network (ResNet-50 included); inferModelSpec reads the spec back from keys.
import { describe, expect, it } from 'vitest';
import { Adder2d } from '@adder/addernet';
import { Conv2d } from '@adder/nn';
import { zeros } from '@adder/tensor';
import { ArchitectureInferenceError, buildModel, inferModelSpec, type ModelSpec } from '../src/models';

describe('buildModel and inferModelSpec', () => {
  it('round-trips the CIFAR ResNets through their state-dict keys and shapes', () => {
    for (const spec of [
      { model: 'resnet20', kind: 'adder', numClasses: 10, inChannels: 1 },
      { model: 'resnet32', kind: 'cnn', numClasses: 100, inChannels: 3 },
    ] as ModelSpec[]) {
      expect(inferModelSpec(buildModel(spec).stateDict())).toEqual(spec);
    }
  });

  it('gives ResNet-50 the spec\'s input channels and eta too', () => {
    const m = buildModel({ model: 'resnet50', kind: 'adder', numClasses: 7, inChannels: 1, eta: 0.05 });
    expect((m.getModule('conv1') as Conv2d).inChannels).toBe(1);
    const adders = [...m.modules()].filter((x): x is Adder2d => x instanceof Adder2d);
    expect(adders.length).toBeGreaterThan(0);
    expect(adders.every((a) => a.eta === 0.05)).toBe(true);
    expect(inferModelSpec(m.stateDict())).toEqual({ model: 'resnet50', kind: 'adder', numClasses: 7, inChannels: 1 });
  });

  it('refuses keys that name no known network, saying what is missing', () => {
    expect(() => inferModelSpec({ 'conv1.weight': zeros([16, 3, 3, 3]) })).toThrow(ArchitectureInferenceError);
    expect(() => inferModelSpec({ 'conv1.weight': zeros([16, 3, 3, 3]) })).toThrow(/cannot infer the architecture: the checkpoint has no fc\.weight \(keys: conv1\.weight\)/);
    const sd = { 'conv1.weight': zeros([16, 3, 3, 3]), 'fc.weight': zeros([10, 64, 1, 1]), 'layer1.0.conv1.adder': zeros([16, 16, 3, 3]) };
    expect(() => inferModelSpec(sd)).toThrow(/layer1 has 1 blocks \(expected 3, 5 or 9 for ResNet-20\/32\/56\)/);
  });
});
