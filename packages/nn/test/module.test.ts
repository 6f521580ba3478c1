// Module: dotted names and order, modes, hooks, apply, to(dtype), state dicts and their errors, summary.
import { randn, Tensor, tensor } from '@adder/autograd';
import { Generator, fromArray, ones, zeros, type NDArray } from '@adder/tensor';
import { describe, expect, it } from 'vitest';
import { BatchNorm2d, Conv2d, Flatten, Linear, Module, Parameter, ReLU, Sequential } from '../src/index';

class Block extends Module {
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  constructor(c: number, g: Generator) {
    super();
    this.conv1 = this.registerModule('conv1', new Conv2d(c, c, 3, { padding: 1, bias: false, generator: g }));
    this.bn1 = this.registerModule('bn1', new BatchNorm2d(c));
  }
  forward(x: Tensor): Tensor {
    return this.bn1.call(this.conv1.call(x)).relu().add(x);
  }
}

class Net extends Module {
  readonly scale: Parameter;
  readonly layer1: Sequential;
  readonly fc: Linear;
  constructor(g = new Generator(0)) {
    super();
    this.scale = this.registerParameter('scale', new Parameter(ones([1])));
    this.registerBuffer('step_count', zeros([1]), false);
    this.layer1 = this.registerModule('layer1', new Sequential(new Block(2, g), new Block(2, g)));
    this.fc = this.registerModule('fc', new Linear(8, 3, { generator: g }));
  }
  forward(x: Tensor): Tensor {
    return this.fc.call(this.layer1.call(x.mul(this.scale)).flatten(1));
  }
}

describe('Module tree', () => {
  it("registers under PyTorch's dotted names, in registration order", () => {
    const net = new Net();
    expect([...net.namedParameters()].map(([k]) => k)).toEqual([
      'scale',
      'layer1.0.conv1.weight',
      'layer1.0.bn1.weight',
      'layer1.0.bn1.bias',
      'layer1.1.conv1.weight',
      'layer1.1.bn1.weight',
      'layer1.1.bn1.bias',
      'fc.weight',
      'fc.bias',
    ]);
    expect(Object.keys(net.stateDict())).toEqual([
      'scale',
      'layer1.0.conv1.weight',
      'layer1.0.bn1.weight',
      'layer1.0.bn1.bias',
      'layer1.0.bn1.running_mean',
      'layer1.0.bn1.running_var',
      'layer1.0.bn1.num_batches_tracked',
      'layer1.1.conv1.weight',
      'layer1.1.bn1.weight',
      'layer1.1.bn1.bias',
      'layer1.1.bn1.running_mean',
      'layer1.1.bn1.running_var',
      'layer1.1.bn1.num_batches_tracked',
      'fc.weight',
      'fc.bias',
    ]);
    expect([...net.namedBuffers()].map(([k]) => k)).toContain('step_count');
    expect(net.stateDict().step_count).toBeUndefined();
    expect(net.stateDict()['layer1.0.bn1.num_batches_tracked']!.shape).toEqual([]);
    expect(net.stateDict()['layer1.0.bn1.num_batches_tracked']!.dtype).toBe('int32');
    expect([...net.children()].length).toBe(2);
    expect([...net.namedModules()].map(([k]) => k)).toEqual(['', 'layer1', 'layer1.0', 'layer1.0.conv1', 'layer1.0.bn1', 'layer1.1', 'layer1.1.conv1', 'layer1.1.bn1', 'fc']);
    expect([...net.modules()].length).toBe(9);
    expect(net.numParameters()).toBe(1 + 2 * (36 + 4) + 27);
    expect(net.layer1.at(1).path).toBe('layer1.1');
    expect(net.getSubmodule('layer1.0.bn1')).toBe(net.layer1.at(0).getModule('bn1'));
    expect(net.getSubmodule('')).toBe(net);
    expect(() => net.getSubmodule('layer1.2.bn1')).toThrow(/Sequential 'layer1': has no child module '2'/);
  });

  it('train/eval set the flag everywhere; zeroGrad nulls gradients; apply visits post-order', () => {
    const net = new Net();
    net.eval();
    expect([...net.modules()].every((m) => !m.training)).toBe(true);
    net.train();
    expect([...net.modules()].every((m) => m.training)).toBe(true);
    const loss = net.call(randn([3, 2, 2, 2], { generator: new Generator(9) })).sum();
    loss.backward();
    expect([...net.parameters()].every((p) => p.grad !== null)).toBe(true);
    net.zeroGrad();
    expect([...net.parameters()].every((p) => p.grad === null)).toBe(true);
    const order: string[] = [];
    net.layer1.apply((m) => order.push(m.path));
    expect(order).toEqual(['layer1.0.conv1', 'layer1.0.bn1', 'layer1.0', 'layer1.1.conv1', 'layer1.1.bn1', 'layer1.1', 'layer1']);
  });

  it('to(float64) converts parameters and float buffers but not num_batches_tracked', () => {
    const net = new Net().to('float64');
    for (const p of net.parameters()) expect(p.dtype).toBe('float64');
    const sd = net.stateDict();
    expect(sd['layer1.0.bn1.running_var']!.dtype).toBe('float64');
    expect(sd['layer1.0.bn1.num_batches_tracked']!.dtype).toBe('int32');
    // the fields still point at the registered parameters
    expect(net.fc.weight).toBe(net.getModule('fc').getParameter('weight'));
    expect(net.fc.weight.dtype).toBe('float64');
  });

  it('forward hooks see input and output, can replace the output, and can be removed', () => {
    const seq = new Sequential(new ReLU(), new Flatten());
    const seen: number[][] = [];
    const h = seq.at(0).registerForwardHook((_m, input, output) => void seen.push([...input.shape], [...output.shape]));
    const h2 = seq.at(1).registerForwardHook((_m, _i, out) => out.mul(2));
    const y = seq.call(tensor([[[-1, 2]]]));
    expect(seen).toEqual([[1, 1, 2], [1, 1, 2]]);
    expect(y.toArray()).toEqual([[0, 4]]);
    h.remove();
    h2.remove();
    expect(seq.call(tensor([[[-1, 2]]])).toArray()).toEqual([[0, 2]]);
    expect(seen.length).toBe(2);
  });

  it('rejects a name with a dot or a clash between kinds', () => {
    const net = new Net();
    expect(() => net.registerParameter('a.b', null)).toThrow(/Net: parameter name must be non-empty and contain no '.'/);
    expect(() => net.registerBuffer('fc', null)).toThrow(/'fc' is already registered/);
  });

  it('summary lists each module with output shape and parameter count, and restores modes', () => {
    const net = new Net();
    net.train();
    const s = net.summary([2, 2, 2, 2]);
    const byName = new Map(s.rows.map((r) => [r.name, r]));
    expect(byName.get('layer1.0.conv1')!.outputShape).toEqual([2, 2, 2, 2]);
    expect(byName.get('layer1.0.conv1')!.params).toBe(36);
    expect(byName.get('fc')!.outputShape).toEqual([2, 3]);
    expect(byName.get('')!.params).toBe(1);
    expect(s.totalParams).toBe(net.numParameters());
    expect(s.text).toMatch(/conv1 \(Conv2d\)\s+\[2, 2, 2, 2\]\s+36/);
    expect(s.text).toMatch(/Total params: 108/);
    expect(net.training && net.layer1.at(0).training).toBe(true);
    expect(net.stateDict()['layer1.0.bn1.num_batches_tracked']!.item()).toBe(0);
  });

  it('prints like PyTorch', () => {
    const seq = new Sequential(new Conv2d(3, 16, 3, { padding: 1, bias: false }), new BatchNorm2d(16), new ReLU());
    expect(seq.toString()).toBe(
      'Sequential(\n  (0): Conv2d(3, 16, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), bias=False)\n  (1): BatchNorm2d(16, eps=0.00001, momentum=0.1, affine=True, track_running_stats=True)\n  (2): ReLU()\n)',
    );
  });
});

describe('state dicts', () => {
  it('round-trips into a fresh model with a different seed', () => {
    const a = new Net(new Generator(1));
    const b = new Net(new Generator(2));
    a.getModule('layer1').getModule('0').getModule('bn1').getBuffer('running_mean').set(0.5, 1);
    b.loadStateDict(a.stateDict());
    const sa = a.stateDict();
    const sb = b.stateDict();
    for (const k of Object.keys(sa)) expect(Array.from(sb[k]!.toTyped())).toEqual(Array.from(sa[k]!.toTyped()));
    expect(sb['layer1.0.bn1.running_mean']!.get(1)).toBe(0.5);
  });

  it('reports missing, unexpected and mismatched keys in one error and applies nothing', () => {
    const net = new Net(new Generator(3));
    const before = Array.from(net.fc.weight.data.toTyped());
    const sd: Record<string, NDArray> = { ...new Net(new Generator(4)).stateDict() };
    delete sd['layer1.1.bn1.running_var'];
    sd['extra.weight'] = zeros([2]);
    sd['fc.weight'] = zeros([3, 9]);
    sd['layer1.0.conv1.weight'] = zeros([2, 2, 1, 1]);
    let msg = '';
    try {
      net.loadStateDict(sd);
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toMatch(/^Net.loadStateDict: error\(s\) in loading the state dict:/);
    expect(msg).toMatch(/missing keys \(1\): layer1\.1\.bn1\.running_var/);
    expect(msg).toMatch(/unexpected keys \(1\): extra\.weight/);
    expect(msg).toMatch(/size mismatch for fc\.weight: the state dict has shape \[3, 9\], the model has \[3, 8\]/);
    expect(msg).toMatch(/size mismatch for layer1\.0\.conv1\.weight: the state dict has shape \[2, 2, 1, 1\], the model has \[2, 2, 3, 3\]/);
    expect(Array.from(net.fc.weight.data.toTyped())).toEqual(before);
  });

  it('non-strict loads what matches and returns the skipped keys; shape mismatches still throw', () => {
    const net = new Net(new Generator(5));
    const res = net.loadStateDict({ 'fc.bias': fromArray([1, 2, 3]), other: zeros([1]) }, { strict: false });
    expect(res.unexpectedKeys).toEqual(['other']);
    expect(res.missingKeys.length).toBe(14);
    expect(net.fc.bias!.toArray()).toEqual([1, 2, 3]);
    expect(() => net.loadStateDict({ 'fc.bias': zeros([4]) }, { strict: false })).toThrow(/size mismatch for fc\.bias/);
  });

  it('stripPrefix removes module. (DataParallel) and casts dtypes into the model', () => {
    const src = new Net(new Generator(6));
    const prefixed: Record<string, NDArray> = {};
    for (const [k, v] of Object.entries(src.stateDict())) prefixed[`module.${k}`] = v.cast('float64');
    prefixed['module.layer1.0.bn1.num_batches_tracked'] = fromArray([7], 'float64').reshape([]);
    const dst = new Net(new Generator(7));
    expect(() => dst.loadStateDict(prefixed)).toThrow(/unexpected keys \(15\)/);
    dst.loadStateDict(prefixed, { stripPrefix: 'module.' });
    expect(dst.fc.weight.dtype).toBe('float32');
    expect(Array.from(dst.fc.weight.data.toTyped())).toEqual(Array.from(src.fc.weight.data.toTyped()));
    expect(dst.layer1.at(0).getModule('bn1').getBuffer('num_batches_tracked').item()).toBe(7);
  });

  it('a state dict of the wrong architecture names the keys', () => {
    const small = new Sequential(new Linear(4, 2));
    expect(() => small.loadStateDict(new Net().stateDict())).toThrow(/Sequential.loadStateDict: .*missing keys \(2\): 0\.weight, 0\.bias/s);
  });
});
