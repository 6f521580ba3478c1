// Input checks shared by the layers: rank and channel count, with errors naming the layer.
import type { Tensor } from '@adder/autograd';
import { NNError } from '../errors';
import type { Module } from '../module';

/** Throws unless x has one of the ranks (layout names the dims) and, when given, `channels` at dim 1. */
export function checkInput(layer: Module, x: Tensor, ranks: readonly number[], layout: string, channels?: number): void {
  if (!ranks.includes(x.ndim)) {
    throw new NNError(layer.describe(), `expected a ${ranks.join('-D or ')}-D input ${layout}, got shape [${x.shape.join(', ')}]`);
  }
  if (channels !== undefined && x.shape[1] !== channels) {
    throw new NNError(layer.describe(), `expected ${channels} channels at dim 1, got shape [${x.shape.join(', ')}]`);
  }
}

/** A kernel size, stride, ... given once or as [h, w], as a pair; `what` names it in the error (e.g. 'Conv2d stride'). */
export function pair(v: number | readonly number[], what: string): [number, number] {
  if (typeof v === 'number') return [v, v];
  if (v.length !== 1 && v.length !== 2) throw new NNError(what, `expected a number or [h, w], got [${v.join(', ')}]`);
  return [v[0]!, v[1] ?? v[0]!];
}
