// The registry of benchmark suites: to add one, write cases/<name>.ts exporting a BenchSuite and list it here.
import type { BenchSuite } from '../harness';
import { adder2dSuite } from './adder2d';
import { autogradMlpSuite } from './autograd-mlp';
import { conv2dSuite } from './conv2d';
import { dataLoaderSuite } from './data-loader';
import { matmulSuite } from './matmul';
import { multicoreSuite } from './multicore';
import { resnetSuite } from './resnet';
import { tfjsSuite } from './tfjs';

/** Every suite `pnpm bench` knows, in run order. */
export const SUITES: BenchSuite[] = [
  matmulSuite,
  conv2dSuite,
  dataLoaderSuite,
  autogradMlpSuite,
  tfjsSuite,
  adder2dSuite,
  resnetSuite,
  multicoreSuite,
];
