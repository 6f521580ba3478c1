// The playground's two architectures, each as AdderNet or as its CNN twin: a small adder CNN for a quick start, and
// the paper's ResNet-20. Both take 1x32x32 Fashion-MNIST (padded) and name their stages for the activations panel.
import { Adder2d, resnet, type NetworkKind } from '@adder/addernet';
import type { Tensor } from '@adder/autograd';
import { AvgPool2d, BatchNorm2d, Conv2d, MaxPool2d, Module, ReLU, Sequential } from '@adder/nn';
import { Generator } from '@adder/tensor';

/** The architectures the page offers. */
export type ArchitectureName = 'small' | 'resnet20';

/** A stage's output, for the activations panel. */
export interface Stage {
  name: string;
  output: Tensor;
}

/** A model plus its forward pass cut into named stages. */
export interface PlaygroundModel {
  module: Module;
  /** Runs forward and returns every stage's output (the last one is the logits). */
  stages(x: Tensor): Stage[];
}

function convOrAdder(kind: NetworkKind, cin: number, cout: number, eta: number, generator: Generator): Module {
  return kind === 'adder'
    ? new Adder2d(cin, cout, 3, { padding: 1, eta, generator })
    : new Conv2d(cin, cout, 3, { padding: 1, bias: false, generator });
}

/** conv stem (8) -> maxpool -> adder (16) -> maxpool -> adder (32) -> avgpool -> 1x1 conv classifier + BN, as ResNet-20's head. */
class SmallNet extends Module {
  readonly stem: Sequential;
  readonly block1: Sequential;
  readonly block2: Sequential;
  readonly head: Sequential;

  constructor(kind: NetworkKind, eta: number, generator: Generator, inChannels: number) {
    super();
    this.stem = this.registerModule('stem', new Sequential(new Conv2d(inChannels, 8, 3, { padding: 1, bias: false, generator }), new BatchNorm2d(8), new ReLU(), new MaxPool2d(2)));
    this.block1 = this.registerModule('block1', new Sequential(convOrAdder(kind, 8, 16, eta, generator), new BatchNorm2d(16), new ReLU(), new MaxPool2d(2)));
    this.block2 = this.registerModule('block2', new Sequential(convOrAdder(kind, 16, 32, eta, generator), new BatchNorm2d(32), new ReLU()));
    this.head = this.registerModule('head', new Sequential(new AvgPool2d(8, { stride: 1 }), new Conv2d(32, 10, 1, { bias: false, generator }), new BatchNorm2d(10)));
  }

  forward(x: Tensor): Tensor {
    return this.head.call(this.block2.call(this.block1.call(this.stem.call(x)))).flatten(1);
  }
}

/** Builds `architecture` as AdderNet ('adder') or its CNN twin ('cnn'), initialised from `seed`. */
export function buildModel(architecture: ArchitectureName, kind: NetworkKind, seed: number, eta: number, inChannels = 1): PlaygroundModel {
  const generator = new Generator(seed);
  if (architecture === 'small') {
    const net = new SmallNet(kind, eta, generator, inChannels);
    return {
      module: net,
      stages(x) {
        const stem = net.stem.call(x);
        const b1 = net.block1.call(stem);
        const b2 = net.block2.call(b1);
        const logits = net.head.call(b2).flatten(1);
        return [{ name: 'stem', output: stem }, { name: 'block1', output: b1 }, { name: 'block2', output: b2 }, { name: 'logits', output: logits }];
      },
    };
  }
  const net = resnet({ depth: 20, numClasses: 10, inChannels, kind, eta, generator });
  return {
    module: net,
    stages(x) {
      const stem = net.relu.call(net.bn1.call(net.conv1.call(x)));
      const l1 = net.layer1.call(stem);
      const l2 = net.layer2.call(l1);
      const l3 = net.layer3.call(l2);
      const logits = net.bn2.call(net.fc.call(net.avgpool.call(l3))).flatten(1);
      return [{ name: 'stem', output: stem }, { name: 'layer1', output: l1 }, { name: 'layer2', output: l2 }, { name: 'layer3', output: l3 }, { name: 'logits', output: logits }];
    },
  };
}

/** The architecture, kind and input channels of a state dict of one of these models (null when it is neither). */
export function describeStateDict(sd: Record<string, { shape: readonly number[] }>): { architecture: ArchitectureName; kind: NetworkKind; inChannels: number } | null {
  const keys = Object.keys(sd);
  const kind: NetworkKind = keys.some((k) => k.endsWith('.adder')) ? 'adder' : 'cnn';
  const resnetStem = sd['conv1.weight'];
  if (resnetStem !== undefined && keys.some((k) => k.startsWith('layer3.2.'))) return { architecture: 'resnet20', kind, inChannels: resnetStem.shape[1]! };
  const smallStem = sd['stem.0.weight'];
  if (smallStem !== undefined) return { architecture: 'small', kind, inChannels: smallStem.shape[1]! };
  return null;
}
