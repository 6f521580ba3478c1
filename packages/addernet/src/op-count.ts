// countOps: the paper's Table 1 op counts of a network, measured by running one image through it with hooks.
import { Tensor, noGrad } from '@adder/autograd';
import { AdaptiveAvgPool2d, AvgPool2d, BatchNormBase, Conv2d, Linear, MaxPool2d, NNError, ReLU, type HookHandle, type Module } from '@adder/nn';
import { zeros } from '@adder/tensor';
import { Adder2d } from './adder2d-layer';
import { CifarResNet } from './models/resnet-cifar';
import { ImageNetResNet50 } from './models/resnet50';

/** What a counted layer is. Only adder, conv and linear layers have MACs. */
export type OpLayerType = 'adder' | 'conv' | 'linear' | 'batchnorm' | 'relu' | 'avgpool' | 'maxpool';

/** One call of one layer, for one image. */
export interface LayerOps {
  /** The module's dotted name ('' for the root). */
  name: string;
  type: OpLayerType;
  outputShape: number[];
  /** Multiply-accumulates (adder: |x - w| accumulates) of a MAC layer; 0 for the others. */
  macs: number;
  multiplications: number;
  additions: number;
  /** max / compare operations (ReLU, max pooling). */
  comparisons: number;
}

/** Multiplications and additions of the MAC layers under one counting rule. */
export interface OpTotals {
  multiplications: number;
  additions: number;
}

/** The op counts of a network for one image. */
export interface OpCount {
  kind: 'adder' | 'cnn';
  inputShape: number[];
  layers: LayerOps[];
  /** MACs of the adder layers. */
  adderMacs: number;
  /** MACs of the multiplying conv and linear layers (the conv stem and the classifier in AdderNet). */
  convMacs: number;
  /** All MAC layers. */
  totalMacs: number;
  /** As the code runs: adder MACs cost 2 additions, conv/linear MACs 1 multiplication + 1 addition. */
  asRun: OpTotals;
  /** The paper's view: every MAC layer counted as the network's kind (AdderNet: 2 additions per MAC, no multiplication). */
  paperView: OpTotals;
  /** BN (folded scale and shift), ReLU and pooling, reported apart from the MAC layers. */
  other: { multiplications: number; additions: number; comparisons: number };
  /** The paper's printed figures for this network, when it printed any. */
  paper: PaperFigures | null;
}

/** Figures as printed in the AdderNet paper (Chen et al., CVPR 2020, Tables 1 and 2). */
export interface PaperFigures {
  model: string;
  /** The paper's MAC count, when printed (ResNet-20: 41.17M, which matches neither of our counts). */
  macs: number | null;
  /** AdderNet's printed #Mul / #Add. */
  adderNet: OpTotals;
}

const PAPER: Record<string, PaperFigures> = {
  resnet20: { model: 'ResNet-20', macs: 41.17e6, adderNet: { multiplications: 0, additions: 82.34e6 } },
  resnet32: { model: 'ResNet-32', macs: 69.12e6, adderNet: { multiplications: 0, additions: 138.24e6 } },
  resnet50: { model: 'ResNet-50', macs: null, adderNet: { multiplications: 0, additions: 7.7e9 } },
};

/** The paper's figures for one of our models (null for networks the paper did not count). */
export function paperFigures(model: Module): PaperFigures | null {
  if (model instanceof CifarResNet) return PAPER[`resnet${model.depth}`] ?? null;
  if (model instanceof ImageNetResNet50) return PAPER.resnet50!;
  return null;
}

function product(xs: readonly number[]): number {
  let p = 1;
  for (const x of xs) p *= x;
  return p;
}

/** Elements of one image of a batched shape. */
function perImage(shape: readonly number[]): number {
  return product(shape.slice(1));
}

/** The window size of a pooling layer (kh * kw), from its kernel size or, adaptive, from input / output. */
function poolWindow(m: Module, input: Tensor, output: Tensor): number {
  if (m instanceof AdaptiveAvgPool2d) return (input.shape[2]! * input.shape[3]!) / (output.shape[2]! * output.shape[3]!);
  const k = (m as AvgPool2d | MaxPool2d).kernelSize;
  return typeof k === 'number' ? k * k : k[0]! * k[1]!;
}

/** The ops of one call of a leaf layer, or null for layers that do no arithmetic (Flatten, Identity, ...). */
function layerOps(name: string, m: Module, input: Tensor, output: Tensor): LayerOps | null {
  const outputShape = [1, ...output.shape.slice(1)];
  const out = perImage(output.shape);
  const row = (type: OpLayerType, macs: number, multiplications: number, additions: number, comparisons: number): LayerOps => ({
    name, type, outputShape, macs, multiplications, additions, comparisons,
  });
  if (m instanceof Adder2d) {
    const macs = out * m.inChannels * m.kernelSize * m.kernelSize;
    return row('adder', macs, 0, 2 * macs, 0);
  }
  if (m instanceof Conv2d) {
    const macs = out * m.inChannels * m.kernelSize[0] * m.kernelSize[1];
    return row('conv', macs, macs, macs, 0);
  }
  if (m instanceof Linear) {
    const macs = out * m.inFeatures;
    return row('linear', macs, macs, macs, 0);
  }
  // BN at inference folds into y = a*x + b: one multiplication and one addition per element.
  if (m instanceof BatchNormBase) return row('batchnorm', 0, out, out, 0);
  if (m instanceof ReLU) return row('relu', 0, 0, 0, out);
  // Average pooling: window - 1 additions and one scaling per output; max pooling: window - 1 comparisons.
  if (m instanceof AvgPool2d || m instanceof AdaptiveAvgPool2d) return row('avgpool', 0, out, out * (poolWindow(m, input, output) - 1), 0);
  if (m instanceof MaxPool2d) return row('maxpool', 0, 0, 0, out * (poolWindow(m, input, output) - 1));
  return null;
}

/**
 * Counts the ops of `model` for one image of `inputShape` ((C, H, W) or (1, C, H, W)) by running it once in eval
 * mode without recording gradients (training flags are restored). An adder MAC costs 2 additions (a subtraction
 * and an accumulation); a conv or linear MAC 1 multiplication and 1 addition; BN, ReLU and pooling are apart.
 */
export function countOps(model: Module, inputShape: readonly number[]): OpCount {
  const shape = inputShape.length === 3 ? [1, ...inputShape] : [...inputShape];
  if (shape.length !== 4 || shape[0] !== 1) {
    throw new NNError('countOps', `expected an input shape (C, H, W) or (1, C, H, W), got [${inputShape.join(', ')}]`);
  }
  const names = new Map<Module, string>();
  for (const [name, m] of model.namedModules()) names.set(m, name);
  const layers: LayerOps[] = [];
  const handles: HookHandle[] = [];
  const modes = new Map<Module, boolean>();
  for (const m of model.modules()) {
    modes.set(m, m.training);
    if ([...m.children()].length > 0) continue;
    handles.push(m.registerForwardHook((mod, input, output) => {
      const ops = layerOps(names.get(mod) ?? '', mod, input, output);
      if (ops !== null) layers.push(ops);
    }));
  }
  const dtype = model.parameters().next().value?.dtype ?? 'float32';
  try {
    model.eval();
    noGrad(() => model.call(new Tensor(zeros(shape, dtype))));
  } finally {
    for (const h of handles) h.remove();
    for (const [m, t] of modes) m.training = t;
  }
  let adderMacs = 0, convMacs = 0;
  const other = { multiplications: 0, additions: 0, comparisons: 0 };
  for (const l of layers) {
    if (l.type === 'adder') adderMacs += l.macs;
    else if (l.type === 'conv' || l.type === 'linear') convMacs += l.macs;
    else {
      other.multiplications += l.multiplications;
      other.additions += l.additions;
      other.comparisons += l.comparisons;
    }
  }
  const totalMacs = adderMacs + convMacs;
  const kind = adderMacs > 0 ? 'adder' : 'cnn';
  return {
    kind,
    inputShape: shape,
    layers,
    adderMacs,
    convMacs,
    totalMacs,
    asRun: { multiplications: convMacs, additions: 2 * adderMacs + convMacs },
    paperView: kind === 'adder' ? { multiplications: 0, additions: 2 * totalMacs } : { multiplications: totalMacs, additions: totalMacs },
    other,
    paper: paperFigures(model),
  };
}

/** A count in millions or billions with two decimals ("40.81M"). */
export function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(2)}K`;
  return String(n);
}

/** The printable table: one row per MAC layer, then both totals, the other layers, and the paper's figures. */
export function formatOpCount(c: OpCount): string {
  const lines: string[] = [];
  const pad = (s: string, n: number): string => s.padEnd(n);
  const num = (n: number): string => n.toLocaleString('en-US').padStart(16);
  lines.push(`${pad('layer', 34)}${pad('type', 8)}${pad('output', 18)}${'MACs'.padStart(16)}${'#Mul'.padStart(16)}${'#Add'.padStart(16)}`);
  for (const l of c.layers) {
    if (l.macs === 0) continue;
    lines.push(`${pad(l.name, 34)}${pad(l.type, 8)}${pad(`[${l.outputShape.slice(1).join(', ')}]`, 18)}${num(l.macs)}${num(l.multiplications)}${num(l.additions)}`);
  }
  const row = (label: string, macs: number | null, t: OpTotals): string =>
    `${pad(label, 60)}${macs === null ? ''.padStart(16) : num(macs)}${num(t.multiplications)}${num(t.additions)}` +
    `   (${formatCount(t.multiplications)} mul, ${formatCount(t.additions)} add)`;
  lines.push('');
  lines.push(`MACs: ${c.adderMacs.toLocaleString('en-US')} in adder layers, ${c.convMacs.toLocaleString('en-US')} in multiplying conv/linear layers, ${c.totalMacs.toLocaleString('en-US')} in all (${formatCount(c.totalMacs)})`);
  lines.push(row(`total as the code runs (${c.kind})`, c.totalMacs, c.asRun));
  lines.push(row(`total in the paper's view (every layer ${c.kind === 'adder' ? 'an adder' : 'a conv'})`, c.totalMacs, c.paperView));
  if (c.paper !== null && c.kind === 'adder') {
    lines.push(row(`the paper's printed ${c.paper.model} AdderNet`, c.paper.macs, c.paper.adderNet));
  } else if (c.paper !== null && c.paper.macs !== null) {
    lines.push(row(`the paper's printed ${c.paper.model} CNN (mul = add = MACs)`, c.paper.macs, { multiplications: c.paper.macs, additions: c.paper.macs }));
  }
  lines.push('');
  lines.push(`BN, ReLU and pooling (not in the totals): ${c.other.multiplications.toLocaleString('en-US')} mul, ${c.other.additions.toLocaleString('en-US')} add, ${c.other.comparisons.toLocaleString('en-US')} comparisons`);
  return lines.join('\n');
}
