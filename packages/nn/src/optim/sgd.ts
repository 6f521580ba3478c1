// Stochastic gradient descent with momentum, dampening, Nesterov and L2 weight decay, as torch.optim.SGD.
import { NDArray, Storage } from '@adder/tensor';
import { NNError } from '../errors';
import { checkNonNegative, Optimizer, type OptimParam, type ParamGroup, type ParamGroupSpec } from './optimizer';

/** SGD options (torch.optim.SGD's, camelCased). */
export interface SGDOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
}

/**
 * torch.optim.SGD. Per parameter: d = g + wd*p; with momentum, buf = d on the first step, then
 * buf = m*buf + (1 - dampening)*d; d = nesterov ? d + m*buf : buf; p -= lr*d.
 * The buffer carries no lr, so changing lr between steps behaves as in PyTorch.
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: Iterable<OptimParam> | ParamGroupSpec<SGDOptions>[], options: Partial<SGDOptions> & { lr: number }) {
    super('SGD', params, { momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, ...options });
  }

  protected validate(o: SGDOptions): void {
    checkNonNegative('SGD', 'lr', o.lr);
    checkNonNegative('SGD', 'momentum', o.momentum);
    checkNonNegative('SGD', 'weightDecay', o.weightDecay);
    if (typeof o.dampening !== 'number' || !Number.isFinite(o.dampening)) {
      throw new NNError('SGD', `invalid dampening: expected a finite number, got ${o.dampening}`);
    }
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
      throw new NNError('SGD', `Nesterov momentum requires momentum > 0 and dampening = 0, got momentum ${o.momentum}, dampening ${o.dampening}`);
    }
  }

  protected updateGroup(group: ParamGroup<SGDOptions>): void {
    const { lr, momentum, dampening, weightDecay, nesterov, maximize } = group;
    for (const { p, param, grad } of this.activeParams(group)) {
      const g = grad.data;
      const go = grad.offset;
      const n = param.length;
      const sign = maximize ? -1 : 1;
      if (momentum === 0) {
        for (let i = 0; i < n; i++) {
          const d = sign * g[go + i]! + weightDecay * param[i]!;
          param[i] = param[i]! - lr * d;
        }
      } else {
        const s = this.stateOf(p);
        let bufArr = s.buffers.momentum_buffer;
        const first = bufArr === undefined;
        if (bufArr === undefined) {
          bufArr = new NDArray(Storage.alloc(p.data.dtype, n), p.data.shape);
          s.buffers.momentum_buffer = bufArr;
        }
        const buf = bufArr.data;
        const keep = 1 - dampening;
        for (let i = 0; i < n; i++) {
          const d = sign * g[go + i]! + weightDecay * param[i]!;
          const b = first ? d : momentum * buf[i]! + keep * d;
          buf[i] = b;
          // Nesterov reads the stored (rounded) buffer, as PyTorch's in-place buf does.
          param[i] = param[i]! - lr * (nesterov ? d + momentum * buf[i]! : buf[i]!);
        }
        bufArr.storage.version++;
      }
      p.data.storage.version++;
    }
  }
}
