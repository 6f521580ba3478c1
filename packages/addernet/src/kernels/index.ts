// The fused adder kernels on NDArrays (no autograd): forward, input gradient, weight gradient and its scaling.
export { adderForward } from './adderForward';
export { adderBackwardInput } from './adderBackwardInput';
export { adderBackwardWeight, adderBackwardWeightRaw, scaleAdderGrad } from './adderBackwardWeight';
export { adderGeometry, type AdderGeometry } from './geometry';
