// op=layer_norm, group_norm, avg_pool2d, adaptive_avg_pool2d, adaptive_max_pool2d: @adder/nn's LayerNorm,
// GroupNorm, AvgPool2d, AdaptiveAvgPool2d and AdaptiveMaxPool2d modules, forward and backward, against torch's.
import { AdaptiveAvgPool2d, AdaptiveMaxPool2d, AvgPool2d, GroupNorm, LayerNorm, type Module } from '@adder/nn';
import { compareTensor } from '../compare';
import { FixtureError, boolOption, numberOption, tensorOf } from '../fixture-io';
import { TOLERANCES, type Tolerance } from '../tolerances';
import type { Comparison, Fixture } from '../types';
import { runOpFixture } from './op-fixture';

/** A comma-separated list of positive integers ('5' or '4,5'). */
function intList(fx: Fixture, key: string): number[] {
  const raw = fx.metadata[key];
  if (raw === undefined) throw new FixtureError(fx.name, `missing option ${key}`);
  const v = raw.split(',').map((s) => (s.trim() === '' ? NaN : Number(s)));
  if (!v.every((d) => Number.isInteger(d) && d > 0)) throw new FixtureError(fx.name, `option ${key}='${raw}' is not a list of positive integers`);
  return v;
}

/** Loads x (and the affine weight and bias into `layer`), runs forward and backward, compares out and every gradient. */
function runLayer(fx: Fixture, layer: Module, tol: Tolerance): Comparison[] {
  const state = Object.fromEntries(['weight', 'bias'].filter((k) => k in fx.tensors).map((k) => [k, tensorOf(fx, k)]));
  if (Object.keys(state).length > 0) layer.loadStateDict(state);
  const params = layer.namedParameters();
  const comparisons = runOpFixture(fx, ['x'], ({ x }) => layer.call(x!), tol);
  for (const [name, p] of params) comparisons.push(compareTensor(`grad_${name}`, p.grad!.data, tensorOf(fx, `expected.grad_${name}`), tol));
  return comparisons;
}

export const layerNormHandler = (fx: Fixture): Comparison[] =>
  runLayer(fx, new LayerNorm(intList(fx, 'normalized_shape'), { eps: numberOption(fx, 'eps', 1e-5) }), TOLERANCES.norm);

export function groupNormHandler(fx: Fixture): Comparison[] {
  const channels = tensorOf(fx, 'x').shape[1]!;
  return runLayer(fx, new GroupNorm(numberOption(fx, 'num_groups', 1), channels, { eps: numberOption(fx, 'eps', 1e-5) }), TOLERANCES.norm);
}

export function avgPool2dHandler(fx: Fixture): Comparison[] {
  const kernel = intList(fx, 'kernel_size');
  const layer = new AvgPool2d(kernel, {
    stride: fx.metadata.stride === undefined ? kernel : intList(fx, 'stride'),
    padding: numberOption(fx, 'padding', 0),
    ceilMode: boolOption(fx, 'ceil_mode', false),
    countIncludePad: boolOption(fx, 'count_include_pad', true),
  });
  return runLayer(fx, layer, TOLERANCES.pooling);
}

export const adaptiveAvgPool2dHandler = (fx: Fixture): Comparison[] => runLayer(fx, new AdaptiveAvgPool2d(intList(fx, 'output_size')), TOLERANCES.pooling);
export const adaptiveMaxPool2dHandler = (fx: Fixture): Comparison[] => runLayer(fx, new AdaptiveMaxPool2d(intList(fx, 'output_size')), TOLERANCES.pooling);
