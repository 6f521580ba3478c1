// ResNet-20/32/56 for CIFAR exactly as the reference's resnet20.py: conv stem, adder BasicBlocks, adder 1x1
// downsample + BN, AvgPool2d(8), a 1x1 conv classifier followed by BatchNorm2d, flatten.
import type { Tensor } from '@adder/autograd';
import { AvgPool2d, BatchNorm2d, Conv2d, Module, NNError, ReLU, Sequential } from '@adder/nn';
import type { Generator } from '@adder/tensor';
import { convOrAdder, type LayerSettings, type NetworkKind } from './kind';

/** The reference's BasicBlock: conv1 (3x3, stride) -> bn1 -> relu -> conv2 -> bn2, + shortcut, relu. */
export class BasicBlock extends Module {
  readonly conv1: Module;
  readonly bn1: BatchNorm2d;
  readonly relu: ReLU;
  readonly conv2: Module;
  readonly bn2: BatchNorm2d;
  readonly downsample: Sequential | null;

  constructor(s: LayerSettings, inplanes: number, planes: number, stride: number, downsample: Sequential | null) {
    super();
    this.conv1 = this.registerModule('conv1', convOrAdder(s, inplanes, planes, 3, stride, 1));
    this.bn1 = this.registerModule('bn1', new BatchNorm2d(planes));
    this.relu = this.registerModule('relu', new ReLU());
    this.conv2 = this.registerModule('conv2', convOrAdder(s, planes, planes, 3, 1, 1));
    this.bn2 = this.registerModule('bn2', new BatchNorm2d(planes));
    this.downsample = downsample === null ? null : this.registerModule('downsample', downsample);
  }

  forward(x: Tensor): Tensor {
    let out = this.relu.call(this.bn1.call(this.conv1.call(x)));
    out = this.bn2.call(this.conv2.call(out));
    const residual = this.downsample === null ? x : this.downsample.call(x);
    return this.relu.call(out.add(residual));
  }
}

/** Options of resnet(). */
export interface ResNetOptions {
  /** 20, 32 or 56: 3, 5 or 9 BasicBlocks per stage. */
  depth: 20 | 32 | 56;
  numClasses?: number;
  inChannels?: number;
  /** 'adder' (default) or 'cnn', the CNN twin with Conv2d in place of every adder layer. */
  kind?: NetworkKind;
  /** The adder layers' dW scale (default 0.2). */
  eta?: number;
  generator?: Generator;
}

/** The CIFAR ResNet of the reference (module names and state-dict keys as PyTorch's). */
export class CifarResNet extends Module {
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly relu: ReLU;
  readonly layer1: Sequential;
  readonly layer2: Sequential;
  readonly layer3: Sequential;
  readonly avgpool: AvgPool2d;
  readonly fc: Conv2d;
  readonly bn2: BatchNorm2d;
  readonly kind: NetworkKind;
  readonly depth: 20 | 32 | 56;
  private inplanes = 16;

  constructor(options: ResNetOptions) {
    super();
    const blocksPerStage = { 20: 3, 32: 5, 56: 9 }[options.depth];
    if (blocksPerStage === undefined) throw new NNError('resnet', `depth must be 20, 32 or 56, got ${String(options.depth)}`);
    this.depth = options.depth;
    const numClasses = options.numClasses ?? 10;
    const inChannels = options.inChannels ?? 3;
    this.kind = options.kind ?? 'adder';
    const s: LayerSettings = { kind: this.kind, eta: options.eta ?? 0.2, ...(options.generator ? { generator: options.generator } : {}) };
    const gen = options.generator ? { generator: options.generator } : {};
    this.conv1 = this.registerModule('conv1', new Conv2d(inChannels, 16, 3, { stride: 1, padding: 1, bias: false, ...gen }));
    this.bn1 = this.registerModule('bn1', new BatchNorm2d(16));
    this.relu = this.registerModule('relu', new ReLU());
    this.layer1 = this.registerModule('layer1', this.makeLayer(s, 16, blocksPerStage, 1));
    this.layer2 = this.registerModule('layer2', this.makeLayer(s, 32, blocksPerStage, 2));
    this.layer3 = this.registerModule('layer3', this.makeLayer(s, 64, blocksPerStage, 2));
    this.avgpool = this.registerModule('avgpool', new AvgPool2d(8, { stride: 1 }));
    this.fc = this.registerModule('fc', new Conv2d(64, numClasses, 1, { bias: false, ...gen }));
    this.bn2 = this.registerModule('bn2', new BatchNorm2d(numClasses));
  }

  /** The reference's _make_layer: the first block takes the stride and, when the shape changes, an adder 1x1 + BN shortcut. */
  private makeLayer(s: LayerSettings, planes: number, blocks: number, stride: number): Sequential {
    const downsample = stride !== 1 || this.inplanes !== planes ? new Sequential(convOrAdder(s, this.inplanes, planes, 1, stride, 0), new BatchNorm2d(planes)) : null;
    const layer = new Sequential(new BasicBlock(s, this.inplanes, planes, stride, downsample));
    this.inplanes = planes;
    for (let i = 1; i < blocks; i++) layer.append(new BasicBlock(s, planes, planes, 1, null));
    return layer;
  }

  forward(x: Tensor): Tensor {
    let y = this.relu.call(this.bn1.call(this.conv1.call(x)));
    y = this.layer3.call(this.layer2.call(this.layer1.call(y)));
    y = this.bn2.call(this.fc.call(this.avgpool.call(y)));
    return y.flatten(1);
  }
}

/** ResNet-20/32/56 for CIFAR as in the AdderNet reference (kind 'adder') or its CNN twin (kind 'cnn'). */
export function resnet(options: ResNetOptions): CifarResNet {
  return new CifarResNet(options);
}
