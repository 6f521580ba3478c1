// Sequential: children named "0", "1", ... applied in order (torch.nn.Sequential).
import type { Tensor } from '@adder/autograd';
import { Module } from '../module';

/** Runs its children in order; they are registered as "0", "1", ... as in PyTorch. */
export class Sequential extends Module {
  private readonly layers: Module[] = [];
  constructor(...modules: Module[]) {
    super();
    for (const m of modules) this.append(m);
  }
  /** Adds a module at the end under the next index. */
  append(m: Module): this {
    this.registerModule(String(this.layers.length), m);
    this.layers.push(m);
    return this;
  }
  /** The i-th child. */
  at(i: number): Module {
    return this.getModule(String(i));
  }
  /** Number of children. */
  get length(): number {
    return this.layers.length;
  }
  forward(x: Tensor): Tensor {
    let y = x;
    for (const m of this.layers) y = m.call(y);
    return y;
  }
}
