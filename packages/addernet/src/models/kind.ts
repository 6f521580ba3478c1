// The one switch between AdderNet and its CNN twin: which layer a "conv" of the paper's networks becomes.
import { Conv2d, type Module } from '@adder/nn';
import type { Generator } from '@adder/tensor';
import { Adder2d } from '../adder2d-layer';

/** 'adder' builds AdderNet (adder layers); 'cnn' builds the same network with Conv2d, the paper's baseline. */
export type NetworkKind = 'adder' | 'cnn';

/** Settings every block of a network shares. */
export interface LayerSettings {
  kind: NetworkKind;
  eta: number;
  generator?: Generator;
}

/** The reference's adder.adder2d(cin, cout, k, stride, padding, bias=False), or Conv2d(bias=False) for the CNN twin. */
export function convOrAdder(s: LayerSettings, cin: number, cout: number, k: number, stride: number, padding: number): Module {
  const gen = s.generator ? { generator: s.generator } : {};
  if (s.kind === 'adder') return new Adder2d(cin, cout, k, { stride, padding, eta: s.eta, ...gen });
  return new Conv2d(cin, cout, k, { stride, padding, bias: false, ...gen });
}
