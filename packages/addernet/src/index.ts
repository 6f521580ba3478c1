// @adder/addernet: the adder Function, the Adder2d layer, the paper's ResNets and op counting.
export { adder2d, adder2dFunction, type Adder2dOptions } from './adder2d';
export { adderForward, adderBackwardInput, adderBackwardWeight, adderBackwardWeightRaw, scaleAdderGrad } from './kernels/index';
export { Adder2d, type Adder2dLayerOptions } from './adder2d-layer';
export { type NetworkKind } from './models/kind';
export { resnet, CifarResNet, BasicBlock, type ResNetOptions } from './models/resnet-cifar';
export { resnet50, ImageNetResNet50, Bottleneck, type ResNet50Options } from './models/resnet50';
export { countOps, formatOpCount, formatCount, paperFigures, type OpCount, type LayerOps, type OpLayerType, type OpTotals, type PaperFigures } from './op-count';
