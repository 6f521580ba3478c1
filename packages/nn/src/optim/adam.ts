// Adam and AdamW (decoupled weight decay), as torch.optim.Adam / torch.optim.AdamW.
import { NDArray, Storage } from '@adder/tensor';
import { NNError } from '../errors';
import { checkNonNegative, Optimizer, type OptimParam, type ParamGroup, type ParamGroupSpec } from './optimizer';

/** Adam/AdamW options (torch's, camelCased; betas as a pair). */
export interface AdamOptions {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
}

/** Constructor options: `betas: [b1, b2]` as in PyTorch, or beta1/beta2. */
export type AdamInit = Partial<AdamOptions> & { betas?: [number, number] };

function resolve(options: AdamInit, weightDecay: number): AdamOptions {
  const { betas, ...rest } = options;
  return {
    lr: 1e-3,
    beta1: betas?.[0] ?? 0.9,
    beta2: betas?.[1] ?? 0.999,
    eps: 1e-8,
    weightDecay,
    amsgrad: false,
    maximize: false,
    ...rest,
  };
}

function validateAdam(where: string, o: AdamOptions): void {
  checkNonNegative(where, 'lr', o.lr);
  checkNonNegative(where, 'eps', o.eps);
  checkNonNegative(where, 'weightDecay', o.weightDecay);
  for (const [k, b] of [['beta1', o.beta1], ['beta2', o.beta2]] as const) {
    if (!(b >= 0 && b < 1)) throw new NNError(where, `invalid ${k}: expected 0 <= beta < 1, got ${b}`);
  }
}

/**
 * The shared Adam step (PyTorch's single-tensor path), per parameter at step t:
 * m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g^2; p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps).
 * Adam adds wd*p to g; AdamW (decoupled) first applies p *= 1 - lr*wd instead.
 */
abstract class AdamBase extends Optimizer<AdamOptions> {
  protected abstract readonly decoupled: boolean;

  protected validate(o: AdamOptions): void {
    validateAdam(this.name, o);
  }

  protected updateGroup(group: ParamGroup<AdamOptions>): void {
    const { lr, beta1, beta2, eps, weightDecay, amsgrad, maximize } = group;
    const decoupled = this.decoupled;
    for (const { p, param, grad } of this.activeParams(group)) {
      const state = this.stateOf(p);
      const n = param.length;
      const alloc = (): NDArray => new NDArray(Storage.alloc(p.data.dtype, n), p.data.shape);
      const mArr = (state.buffers.exp_avg ??= alloc());
      const vArr = (state.buffers.exp_avg_sq ??= alloc());
      const maxArr = amsgrad ? (state.buffers.max_exp_avg_sq ??= alloc()) : null;
      const step = (state.scalars.step ?? 0) + 1;
      state.scalars.step = step;
      const m = mArr.data;
      const v = vArr.data;
      const vmax = maxArr === null ? null : maxArr.data;
      const g = grad.data;
      const go = grad.offset;
      const sign = maximize ? -1 : 1;
      const bc1 = 1 - beta1 ** step;
      const bc2Sqrt = Math.sqrt(1 - beta2 ** step);
      const stepSize = lr / bc1;
      const decay = decoupled ? 1 - lr * weightDecay : 1;
      const l2 = decoupled ? 0 : weightDecay;
      for (let i = 0; i < n; i++) {
        if (decoupled) param[i] = param[i]! * decay;
        const gi = sign * g[go + i]! + l2 * param[i]!;
        m[i] = m[i]! + (gi - m[i]!) * (1 - beta1); // exp_avg.lerp_(grad, 1 - beta1)
        v[i] = v[i]! * beta2 + (1 - beta2) * gi * gi;
        let vv = v[i]!;
        if (vmax !== null) {
          if (vv > vmax[i]!) vmax[i] = vv;
          vv = vmax[i]!;
        }
        param[i] = param[i]! - (stepSize * m[i]!) / (Math.sqrt(vv) / bc2Sqrt + eps);
      }
      mArr.storage.version++;
      vArr.storage.version++;
      if (maxArr !== null) maxArr.storage.version++;
      p.data.storage.version++;
    }
  }
}

/** torch.optim.Adam (L2 weight decay added to the gradient). Defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8. */
export class Adam extends AdamBase {
  protected readonly decoupled = false;
  constructor(params: Iterable<OptimParam> | ParamGroupSpec<AdamOptions>[], options: AdamInit = {}) {
    super('Adam', params, resolve(options, 0));
  }
}

/** torch.optim.AdamW (decoupled weight decay p *= 1 - lr*wd). Defaults as Adam, weightDecay 1e-2. */
export class AdamW extends AdamBase {
  protected readonly decoupled = true;
  constructor(params: Iterable<OptimParam> | ParamGroupSpec<AdamOptions>[], options: AdamInit = {}) {
    super('AdamW', params, resolve(options, 1e-2));
  }
}
