// The registry of benchmark suites: to add one, write cases/<name>.ts exporting a BenchSuite and list it here.
import type { BenchSuite } from '../harness';
import { adder2dSuite } from './adder2d';
import { autogradMlpSuite } from './autograd-mlp';
import { conv2dSuite } from './conv2d';
import { dataLoaderSuite } from './data-loader';
import { matmulSuite } from './matmul';
import { multicoreSuite } from './multicore';
import { resnetSuite } from './resnet';

/** Every suite `pnpm bench` knows, in run order. The peers (jax-js, tfjs, PyTorch) are rows of the suites whose work they do. */
export const SUITES: BenchSuite[] = [
  matmulSuite,
  conv2dSuite,
  adder2dSuite,
  resnetSuite,
  autogradMlpSuite,
  dataLoaderSuite,
  multicoreSuite,
];
