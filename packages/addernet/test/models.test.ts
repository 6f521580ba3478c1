// The Adder2d layer and the paper's networks: parameter names, initialisation, sizes, state-dict keys, fwd + bwd.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Tensor } from '@adder/autograd';
import { Generator, randn } from '@adder/tensor';
import { Adder2d, adder2d, resnet, resnet50 } from '../src/index';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Mean and standard deviation of a typed array. */
function stats(d: ArrayLike<number>): { mean: number; std: number; min: number; max: number } {
  let s = 0, sq = 0, min = Infinity, max = -Infinity;
  for (let i = 0; i < d.length; i++) {
    s += d[i]!;
    sq += d[i]! * d[i]!;
    min = Math.min(min, d[i]!);
    max = Math.max(max, d[i]!);
  }
  const mean = s / d.length;
  return { mean, std: Math.sqrt(sq / d.length - mean * mean), min, max };
}

/** The reference resnet20.py's state-dict keys and shapes, listed from its __init__ (independently of the model code). */
function referenceCifarKeys(blocks: number, numClasses: number, weightName: string): Record<string, number[]> {
  const keys: Record<string, number[]> = {};
  const bn = (p: string, c: number): void => {
    for (const k of ['weight', 'bias', 'running_mean', 'running_var']) keys[`${p}.${k}`] = [c];
    keys[`${p}.num_batches_tracked`] = [];
  };
  keys['conv1.weight'] = [16, 3, 3, 3];
  bn('bn1', 16);
  let inplanes = 16;
  [16, 32, 64].forEach((planes, stage) => {
    for (let b = 0; b < blocks; b++) {
      const p = `layer${stage + 1}.${b}`;
      const cin = b === 0 ? inplanes : planes;
      keys[`${p}.conv1.${weightName}`] = [planes, cin, 3, 3];
      bn(`${p}.bn1`, planes);
      keys[`${p}.conv2.${weightName}`] = [planes, planes, 3, 3];
      bn(`${p}.bn2`, planes);
      if (b === 0 && stage > 0) {
        keys[`${p}.downsample.0.${weightName}`] = [planes, inplanes, 1, 1];
        bn(`${p}.downsample.1`, planes);
      }
    }
    inplanes = planes;
  });
  keys['fc.weight'] = [numClasses, 64, 1, 1];
  bn('bn2', numClasses);
  return keys;
}

/** Key -> shape of a model's state dict. */
function keyShapes(sd: Record<string, { shape: readonly number[] }>): Record<string, number[]> {
  return Object.fromEntries(Object.entries(sd).map(([k, v]) => [k, [...v.shape]]));
}

describe('Adder2d', () => {
  it('holds `adder` (Cout, Cin, k, k) drawn from N(0, 1), no bias by default, and computes adder2d', () => {
    const layer = new Adder2d(64, 64, 3, { stride: 2, padding: 1, generator: new Generator(3) });
    expect([...layer.adder.shape]).toEqual([64, 64, 3, 3]);
    expect(Object.keys(layer.stateDict())).toEqual(['adder']);
    const s = stats(layer.adder.data.toTyped());
    expect(Math.abs(s.mean)).toBeLessThan(0.03);
    expect(Math.abs(s.std - 1)).toBeLessThan(0.03);
    const x = new Tensor(randn([2, 64, 5, 5], { generator: new Generator(4) }));
    const direct = adder2d(x, layer.adder, { stride: 2, padding: 1 });
    expect(layer.call(x).data.toArray()).toEqual(direct.data.toArray());
  });

  it('with bias adds `b` ~ U(0, 1) per output channel', () => {
    const layer = new Adder2d(2, 500, 1, { bias: true, generator: new Generator(5) });
    expect(Object.keys(layer.stateDict())).toEqual(['adder', 'b']);
    const s = stats(layer.b!.data.toTyped());
    expect(s.min).toBeGreaterThanOrEqual(0);
    expect(s.max).toBeLessThan(1);
    expect(Math.abs(s.mean - 0.5)).toBeLessThan(0.05);
    const x = new Tensor(randn([1, 2, 2, 2], { generator: new Generator(6) }));
    const y = layer.call(x).data;
    const plain = adder2d(x, layer.adder).data;
    const b = layer.b!.data;
    for (const co of [0, 7, 499]) expect(y.get(0, co, 1, 0)).toBeCloseTo(plain.get(0, co, 1, 0) + b.get(co), 5);
  });

  it('rejects an input with the wrong number of channels, naming the layer', () => {
    expect(() => new Adder2d(3, 4, 3).call(new Tensor(randn([1, 2, 5, 5])))).toThrow(/Adder2d.*\(N, 3, H, W\).*\[1, 2, 5, 5\]/);
  });
});

describe('CIFAR ResNets', () => {
  it('have the paper\'s parameter counts, for AdderNet and the CNN twin', () => {
    for (const [depth, count] of [[20, 272_484], [32, 466_916], [56, 855_780]] as const) {
      expect(resnet({ depth }).numParameters()).toBe(count);
      expect(resnet({ depth, kind: 'cnn' }).numParameters()).toBe(count);
    }
  });

  it('have the reference\'s state-dict keys and shapes (`adder` in AdderNet, `weight` in the CNN twin)', () => {
    expect(keyShapes(resnet({ depth: 20 }).stateDict())).toEqual(referenceCifarKeys(3, 10, 'adder'));
    expect(Object.keys(resnet({ depth: 20 }).stateDict())).toEqual(Object.keys(referenceCifarKeys(3, 10, 'adder')));
    expect(Object.keys(resnet({ depth: 20 }).stateDict())).toHaveLength(132);
    expect(keyShapes(resnet({ depth: 32, kind: 'cnn', numClasses: 100 }).stateDict())).toEqual(referenceCifarKeys(5, 100, 'weight'));
    expect(keyShapes(resnet({ depth: 56 }).stateDict())).toEqual(referenceCifarKeys(9, 10, 'adder'));
  });

  it('initialise as the reference: adders N(0, 1), conv1/fc U(+-1/sqrt(fan_in)), BN 1/0', () => {
    const sd = resnet({ depth: 20, generator: new Generator(8) }).stateDict();
    const adder = stats(sd['layer3.1.conv1.adder']!.toTyped());
    expect(Math.abs(adder.std - 1)).toBeLessThan(0.03);
    const conv1 = stats(sd['conv1.weight']!.toTyped());
    expect(conv1.max).toBeLessThanOrEqual(1 / Math.sqrt(27));
    expect(conv1.min).toBeGreaterThanOrEqual(-1 / Math.sqrt(27));
    expect(conv1.max).toBeGreaterThan(0.8 / Math.sqrt(27));
    const fc = stats(sd['fc.weight']!.toTyped());
    expect(fc.max).toBeLessThanOrEqual(1 / 8);
    expect([...sd['bn2.weight']!.toTyped()]).toEqual(new Array(10).fill(1));
    expect([...sd['layer2.0.downsample.1.bias']!.toTyped()]).toEqual(new Array(32).fill(0));
  });

  it('ResNet-20 runs forward and backward: logits (N, 10), every parameter gets a gradient, adder dW has norm 0.2 sqrt(numel)', () => {
    const model = resnet({ depth: 20, generator: new Generator(9) });
    const x = new Tensor(randn([2, 3, 32, 32], { generator: new Generator(10) }));
    const logits = model.call(x);
    expect([...logits.shape]).toEqual([2, 10]);
    logits.square().sum().backward();
    for (const [name, p] of model.namedParameters()) {
      expect(p.grad, name).not.toBeNull();
      expect([...p.grad!.shape]).toEqual([...p.shape]);
      if (name.endsWith('.adder')) {
        const s = stats(p.grad!.data.toTyped());
        const norm = Math.sqrt((s.std * s.std + s.mean * s.mean) * p.size);
        expect(norm / (0.2 * Math.sqrt(p.size)), name).toBeCloseTo(1, 4);
      }
    }
  });

  it('the CNN twin computes conv2d where AdderNet computes adder2d', () => {
    const model = resnet({ depth: 20, kind: 'cnn', generator: new Generator(11) });
    expect(model.layer1.at(0).getModule('conv1').constructor.name).toBe('Conv2d');
    expect(model.call(new Tensor(randn([2, 3, 32, 32]))).shape).toEqual([2, 10]);
    expect(() => resnet({ depth: 44 as 20 })).toThrow(/resnet: depth must be 20, 32 or 56/);
  });
});

describe('ResNet-50', () => {
  // Built once: drawing 25.6M initial values takes seconds.
  const model = resnet50({ generator: new Generator(12) });

  it('has 25,559,032 parameters and the reference\'s keys and shapes (fixtures/resnet50_keys.json)', () => {
    expect(model.numParameters()).toBe(25_559_032);
    const want = JSON.parse(readFileSync(resolve(repoRoot, 'fixtures/resnet50_keys.json'), 'utf8')) as Record<string, number[]>;
    expect(keyShapes(model.stateDict())).toEqual(want);
    expect(Object.keys(model.stateDict())).toEqual(Object.keys(want));
    expect(model.layer3.at(0).getModule('downsample').getModule('0').constructor.name).toBe('Adder2d');
  });

  it('runs forward and backward on 2 x 3 x 64 x 64', () => {
    const logits = model.call(new Tensor(randn([2, 3, 64, 64], { generator: new Generator(13) })));
    expect([...logits.shape]).toEqual([2, 1000]);
    logits.sum().backward();
    for (const [name, p] of model.namedParameters()) expect(p.grad?.shape, name).toEqual(p.shape);
    // BN on the logits: in training mode each logit column has batch mean 0 (times weight 1, plus bias 0).
    const l = logits.data;
    for (const c of [0, 1, 999]) expect(l.get(0, c) + l.get(1, c)).toBeCloseTo(0, 4);
  });
});
