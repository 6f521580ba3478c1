// ResNet-50 for ImageNet exactly as the reference's resnet50.py: conv stem + max pool, adder Bottlenecks with an
// adder 1x1 + BN downsample in every stage's first block, AdaptiveAvgPool(1), a 1x1 conv classifier with bias, BN.
import type { Tensor } from '@adder/autograd';
import { AdaptiveAvgPool2d, BatchNorm2d, Conv2d, MaxPool2d, Module, ReLU, Sequential, init } from '@adder/nn';
import type { Generator } from '@adder/tensor';
import { convOrAdder, type LayerSettings, type NetworkKind } from './kind';

/** Channel expansion of the bottleneck's last 1x1 layer. */
const EXPANSION = 4;

/** The reference's Bottleneck: 1x1 -> bn1 -> relu -> 3x3 (stride) -> bn2 -> relu -> 1x1 (x4) -> bn3, + shortcut, relu. */
export class Bottleneck extends Module {
  readonly conv1: Module;
  readonly bn1: BatchNorm2d;
  readonly conv2: Module;
  readonly bn2: BatchNorm2d;
  readonly conv3: Module;
  readonly bn3: BatchNorm2d;
  readonly relu: ReLU;
  readonly downsample: Sequential | null;

  constructor(s: LayerSettings, inplanes: number, planes: number, stride: number, downsample: Sequential | null) {
    super();
    this.conv1 = this.registerModule('conv1', convOrAdder(s, inplanes, planes, 1, 1, 0));
    this.bn1 = this.registerModule('bn1', new BatchNorm2d(planes));
    this.conv2 = this.registerModule('conv2', convOrAdder(s, planes, planes, 3, stride, 1));
    this.bn2 = this.registerModule('bn2', new BatchNorm2d(planes));
    this.conv3 = this.registerModule('conv3', convOrAdder(s, planes, planes * EXPANSION, 1, 1, 0));
    this.bn3 = this.registerModule('bn3', new BatchNorm2d(planes * EXPANSION));
    this.relu = this.registerModule('relu', new ReLU());
    this.downsample = downsample === null ? null : this.registerModule('downsample', downsample);
  }

  forward(x: Tensor): Tensor {
    let out = this.relu.call(this.bn1.call(this.conv1.call(x)));
    out = this.relu.call(this.bn2.call(this.conv2.call(out)));
    out = this.bn3.call(this.conv3.call(out));
    const residual = this.downsample === null ? x : this.downsample.call(x);
    return this.relu.call(out.add(residual));
  }
}

/** Options of resnet50(). */
export interface ResNet50Options {
  numClasses?: number;
  inChannels?: number;
  /** 'adder' (default) or 'cnn'. */
  kind?: NetworkKind;
  eta?: number;
  generator?: Generator;
}

/** The ImageNet ResNet-50 of the reference. */
export class ImageNetResNet50 extends Module {
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly relu: ReLU;
  readonly maxpool: MaxPool2d;
  readonly layer1: Sequential;
  readonly layer2: Sequential;
  readonly layer3: Sequential;
  readonly layer4: Sequential;
  readonly avgpool: AdaptiveAvgPool2d;
  readonly fc: Conv2d;
  readonly bn2: BatchNorm2d;
  readonly kind: NetworkKind;
  private inplanes = 64;

  constructor(options: ResNet50Options = {}) {
    super();
    const numClasses = options.numClasses ?? 1000;
    this.kind = options.kind ?? 'adder';
    const gen = options.generator ? { generator: options.generator } : {};
    const s: LayerSettings = { kind: this.kind, eta: options.eta ?? 0.2, ...gen };
    this.conv1 = this.registerModule('conv1', new Conv2d(options.inChannels ?? 3, 64, 7, { stride: 2, padding: 3, bias: false, ...gen }));
    this.bn1 = this.registerModule('bn1', new BatchNorm2d(64));
    this.relu = this.registerModule('relu', new ReLU());
    this.maxpool = this.registerModule('maxpool', new MaxPool2d(3, { stride: 2, padding: 1 }));
    this.layer1 = this.registerModule('layer1', this.makeLayer(s, 64, 3, 1));
    this.layer2 = this.registerModule('layer2', this.makeLayer(s, 128, 4, 2));
    this.layer3 = this.registerModule('layer3', this.makeLayer(s, 256, 6, 2));
    this.layer4 = this.registerModule('layer4', this.makeLayer(s, 512, 3, 2));
    this.avgpool = this.registerModule('avgpool', new AdaptiveAvgPool2d(1));
    this.fc = this.registerModule('fc', new Conv2d(512 * EXPANSION, numClasses, 1, { bias: true, ...gen }));
    this.bn2 = this.registerModule('bn2', new BatchNorm2d(numClasses));
    // The reference: kaiming_normal_(fan_out, relu) on every nn.Conv2d weight (biases keep Conv2d's default); BN 1/0.
    for (const m of this.modules()) if (m instanceof Conv2d) init.kaimingNormal(m.weight.data, { mode: 'fan_out', nonlinearity: 'relu', ...gen });
  }

  /** The reference's _make_layer: the first block takes the stride and an adder 1x1 + BN shortcut (the width changes in every stage). */
  private makeLayer(s: LayerSettings, planes: number, blocks: number, stride: number): Sequential {
    const out = planes * EXPANSION;
    const downsample = stride !== 1 || this.inplanes !== out ? new Sequential(convOrAdder(s, this.inplanes, out, 1, stride, 0), new BatchNorm2d(out)) : null;
    const layer = new Sequential(new Bottleneck(s, this.inplanes, planes, stride, downsample));
    this.inplanes = out;
    for (let i = 1; i < blocks; i++) layer.append(new Bottleneck(s, out, planes, 1, null));
    return layer;
  }

  forward(x: Tensor): Tensor {
    let y = this.maxpool.call(this.relu.call(this.bn1.call(this.conv1.call(x))));
    y = this.layer4.call(this.layer3.call(this.layer2.call(this.layer1.call(y))));
    y = this.bn2.call(this.fc.call(this.avgpool.call(y)));
    return y.flatten(1);
  }
}

/** ResNet-50 for ImageNet as in the AdderNet reference (kind 'adder') or its CNN twin (kind 'cnn'). */
export function resnet50(options: ResNet50Options = {}): ImageNetResNet50 {
  return new ImageNetResNet50(options);
}
