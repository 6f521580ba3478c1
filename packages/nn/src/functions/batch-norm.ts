// The batchNorm Function: normalisation over (N, *) per channel with a closed-form backward (one Function).
import { checkOptions, defineFunction, type Tensor } from '@adder/autograd';
import { NDArray, Storage, type TypedArray } from '@adder/tensor';
import { NNError, nnError } from '../errors';
import { runBatchNormLoop } from './batch-norm-chunks';

/** Options of batchNorm (torch.nn.functional.batch_norm). */
export interface BatchNormOptions {
  /** Normalise with this batch's statistics (training, or no running stats); otherwise with the running ones. */
  useBatchStats: boolean;
  /** Added to the variance (default in the layers: 1e-5). */
  eps: number;
  /** Running mean (C), read in eval and updated in place when useBatchStats. */
  runningMean?: NDArray | null;
  /** Running variance (C), read in eval and updated in place (with the unbiased variance) when useBatchStats. */
  runningVar?: NDArray | null;
  /** Weight of the new batch in the running update: r = (1 - f)*r + f*stat. */
  updateFactor?: number;
  /** Name of the calling layer, for error messages. */
  layer?: string;
}

// x viewed as (N, C, S): element (n, c, s) at ((n*C + c)*S + s) of the contiguous buffer.
function dims(x: NDArray): [number, number, number] {
  const n = x.shape[0]!;
  const c = x.shape[1]!;
  return [n, c, c === 0 || n === 0 ? 0 : x.size / (n * c)];
}

function readVector(a: NDArray): Float64Array {
  return Float64Array.from(a.toTyped());
}

function checkVector(layer: string, what: string, a: NDArray, c: number): void {
  if (a.ndim !== 1 || a.shape[0] !== c) {
    throw new NNError(layer, `${what} must have shape [${c}], got [${a.shape.join(', ')}]`);
  }
}

const BatchNormFn = defineFunction<BatchNormOptions>({
  name: 'batchNorm',
  forward(ctx, xIn: NDArray, weight: NDArray, bias: NDArray) {
    const o = ctx.options;
    const layer = o.layer ?? 'batch_norm';
    if (xIn.ndim < 2) throw new NNError(layer, `expected an input of rank >= 2 (N, C, ...), got shape [${xIn.shape.join(', ')}]`);
    const x = xIn.contiguous();
    const [N, C, S] = dims(x);
    checkVector(layer, 'weight', weight, C);
    checkVector(layer, 'bias', bias, C);
    const M = N * S;
    const xd = x.data;
    const xo = x.offset;
    const mean = new Float64Array(C);
    const invstd = new Float64Array(C);
    if (o.useBatchStats) {
      if (M <= 1) {
        throw new NNError(layer, `expected more than 1 value per channel when training, got input of shape [${x.shape.join(', ')}]`);
      }
      const varBiased = new Float64Array(C);
      // per channel: mean, biased variance (two passes) and 1/sqrt(var + eps), split by channels on the pool
      runBatchNormLoop('stats', { N, C, S, x: xd, xo, eps: o.eps, mean, varBiased, invstd });
      // PyTorch: running_mean = (1-f)*running_mean + f*mean; running_var uses the unbiased variance
      const f = o.updateFactor ?? 0.1;
      if (o.runningMean) updateRunning(o.runningMean, mean, f, 1);
      if (o.runningVar) updateRunning(o.runningVar, varBiased, f, M / (M - 1));
    } else {
      if (!o.runningMean || !o.runningVar) throw new NNError(layer, 'evaluating with running statistics, but none were given');
      checkVector(layer, 'running_mean', o.runningMean, C);
      checkVector(layer, 'running_var', o.runningVar, C);
      const rm = readVector(o.runningMean);
      const rv = readVector(o.runningVar);
      for (let c = 0; c < C; c++) {
        mean[c] = rm[c]!;
        invstd[c] = 1 / Math.sqrt(rv[c]! + o.eps);
      }
    }
    const w = readVector(weight);
    const b = readVector(bias);
    const out = Storage.alloc(x.dtype, x.size);
    // y = x * scale + shift per channel, scale = w * invstd, shift = b - mean * scale
    runBatchNormLoop('apply', { N, C, S, x: xd, xo, y: out.data, w, b, mean, invstd });
    ctx.saveForBackward(x, weight);
    ctx.saved.mean = mean;
    ctx.saved.invstd = invstd;
    return new NDArray(out, x.shape);
  },
  backward(ctx, gIn) {
    const [x, weight] = ctx.savedTensors as [NDArray, NDArray];
    const mean = ctx.saved.mean as Float64Array;
    const invstd = ctx.saved.invstd as Float64Array;
    const [needX, needW, needB] = ctx.needsInputGrad;
    const g = gIn.contiguous();
    const [N, C, S] = dims(x);
    const xd = x.data;
    const xo = x.offset;
    const gd = g.data;
    const go = g.offset;
    // per channel: sum(dy) and sum(dy * xhat), xhat = (x - mean) * invstd
    const sumG = new Float64Array(C);
    const sumGX = new Float64Array(C);
    runBatchNormLoop('gradSums', { N, C, S, x: xd, xo, g: gd, go, mean, invstd, sumG, sumGX });
    let dx: NDArray | null = null;
    if (needX) {
      const w = readVector(weight);
      const out = Storage.alloc(x.dtype, x.size);
      // dx = w*invstd/M * (M*dy - sum(dy) - xhat*sum(dy*xhat)) (Ioffe & Szegedy 2015, sec. 3); w*invstd*dy in eval
      runBatchNormLoop('inputGrad', { N, C, S, x: xd, xo, g: gd, go, dx: out.data, w, mean, invstd, sumG, sumGX, batch: ctx.options.useBatchStats ? 1 : 0 });
      dx = new NDArray(out, x.shape);
    }
    return [dx, needW ? vectorOf(sumGX, weight.dtype) : null, needB ? vectorOf(sumG, weight.dtype) : null];
  },
});

function vectorOf(v: Float64Array, dtype: NDArray['dtype']): NDArray {
  const s = Storage.alloc(dtype, v.length);
  (s.data as TypedArray).set(v);
  return new NDArray(s, [v.length]);
}

function updateRunning(r: NDArray, stat: Float64Array, f: number, correction: number): void {
  if (r.ndim !== 1 || r.shape[0] !== stat.length) {
    throw new NNError('batch_norm', `running statistic must have shape [${stat.length}], got [${r.shape.join(', ')}]`);
  }
  const d = r.data;
  const step = r.strides[0]!;
  for (let c = 0; c < stat.length; c++) {
    const o = r.offset + c * step;
    d[o] = (1 - f) * d[o]! + f * stat[c]! * correction;
  }
  r.storage.version++;
}

/**
 * Differentiable batch normalisation of x (N, C, ...) per channel: y = (x - mean)/sqrt(var + eps)*weight + bias,
 * with the batch's biased variance when useBatchStats (updating the running stats), else the running ones.
 */
export function batchNorm(x: Tensor, weight: Tensor | NDArray, bias: Tensor | NDArray, options: BatchNormOptions): Tensor {
  checkOptions(options.layer ?? 'batchNorm', options, ['useBatchStats', 'eps', 'runningMean', 'runningVar', 'updateFactor', 'layer'], nnError);
  return BatchNormFn(x, weight, bias, options);
}
