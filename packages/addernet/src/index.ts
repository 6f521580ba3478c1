// @adder/addernet: the adder Function, the Adder2d layer, the paper's ResNets and op counting.
export { adder2d, adder2dFunction, type Adder2dOptions } from './adder2d';
export { adderForward, adderBackwardInput, adderBackwardWeight, adderBackwardWeightRaw, scaleAdderGrad } from './kernels/index';
