// Naive reference kernels (plain index loops over row-major number arrays): the oracles of the kernel tests.
import type { Dense } from './oracle';

export type { Dense };

/** (B?, M, K) x (B?, K, N) with broadcasting of one leading batch dim; the triple loop. */
export function naiveMatmul(a: Dense, b: Dense): Dense {
  const ab = a.shape.length === 3 ? a.shape[0]! : 1;
  const bb = b.shape.length === 3 ? b.shape[0]! : 1;
  const nb = Math.max(ab, bb);
  const m = a.shape[a.shape.length - 2]!;
  const k = a.shape[a.shape.length - 1]!;
  const n = b.shape[b.shape.length - 1]!;
  const out = new Array<number>(nb * m * n).fill(0);
  for (let t = 0; t < nb; t++) {
    const ao = (ab === 1 ? 0 : t) * m * k;
    const bo = (bb === 1 ? 0 : t) * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += a.data[ao + i * k + p]! * b.data[bo + p * n + j]!;
        out[t * m * n + i * n + j] = s;
      }
    }
  }
  const shape = a.shape.length === 3 || b.shape.length === 3 ? [nb, m, n] : [m, n];
  return { shape, data: out };
}

/** Convolution geometry with explicit pairs. */
export interface Geometry2d {
  kernel: [number, number];
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
}

/** Output size along one dim, PyTorch's formula: floor((in + 2p - d(k-1) - 1) / s) + 1. */
export function convOutSize(input: number, k: number, s: number, p: number, d: number): number {
  return Math.floor((input + 2 * p - d * (k - 1) - 1) / s) + 1;
}

/** x[n, c, h, w] of an (N, C, H, W) dense array, 0 outside the image (zero padding). */
function at4(x: Dense, n: number, c: number, h: number, w: number): number {
  const [, C, H, W] = x.shape as [number, number, number, number];
  if (h < 0 || h >= H || w < 0 || w >= W) return 0;
  return x.data[((n * C + c) * H + h) * W + w]!;
}

/** torch.nn.functional.unfold by its definition: out[n, (c*kh + i)*kw + j, oh*Wo + ow] = x[n, c, oh*sh - ph + i*dh, ow*sw - pw + j*dw]. */
export function naiveUnfold(x: Dense, g: Geometry2d): Dense {
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [kh, kw] = g.kernel;
  const ho = convOutSize(H, kh, g.stride[0], g.padding[0], g.dilation[0]);
  const wo = convOutSize(W, kw, g.stride[1], g.padding[1], g.dilation[1]);
  const rows = C * kh * kw;
  const L = ho * wo;
  const out = new Array<number>(N * rows * L).fill(0);
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++)
      for (let i = 0; i < kh; i++)
        for (let j = 0; j < kw; j++)
          for (let oh = 0; oh < ho; oh++)
            for (let ow = 0; ow < wo; ow++) {
              const r = (c * kh + i) * kw + j;
              const h = oh * g.stride[0] - g.padding[0] + i * g.dilation[0];
              const w = ow * g.stride[1] - g.padding[1] + j * g.dilation[1];
              out[(n * rows + r) * L + oh * wo + ow] = at4(x, n, c, h, w);
            }
  return { shape: [N, rows, L], data: out };
}

/** Direct convolution: y[n,o,oh,ow] = b[o] + sum_{c,i,j} w[o,c,i,j] * x[n, c, oh*sh - ph + i*dh, ow*sw - pw + j*dw]. */
export function naiveConv2d(x: Dense, w: Dense, bias: number[] | null, g: Omit<Geometry2d, 'kernel'>): Dense {
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [O, , kh, kw] = w.shape as [number, number, number, number];
  const ho = convOutSize(H, kh, g.stride[0], g.padding[0], g.dilation[0]);
  const wo = convOutSize(W, kw, g.stride[1], g.padding[1], g.dilation[1]);
  const out = new Array<number>(N * O * ho * wo).fill(0);
  for (let n = 0; n < N; n++)
    for (let o = 0; o < O; o++)
      for (let oh = 0; oh < ho; oh++)
        for (let ow = 0; ow < wo; ow++) {
          let s = bias === null ? 0 : bias[o]!;
          for (let c = 0; c < C; c++)
            for (let i = 0; i < kh; i++)
              for (let j = 0; j < kw; j++) {
                const h = oh * g.stride[0] - g.padding[0] + i * g.dilation[0];
                const ww = ow * g.stride[1] - g.padding[1] + j * g.dilation[1];
                s += w.data[((o * C + c) * kh + i) * kw + j]! * at4(x, n, c, h, ww);
              }
          out[((n * O + o) * ho + oh) * wo + ow] = s;
        }
  return { shape: [N, O, ho, wo], data: out };
}

/** Gradient of the direct convolution w.r.t. x: scatter each gradOut value through the weights. */
export function naiveConv2dBackwardInput(gy: Dense, w: Dense, xShape: number[], g: Omit<Geometry2d, 'kernel'>): Dense {
  const [N, C, H, W] = xShape as [number, number, number, number];
  const [O, , kh, kw] = w.shape as [number, number, number, number];
  const [, , ho, wo] = gy.shape as [number, number, number, number];
  const gx = new Array<number>(N * C * H * W).fill(0);
  for (let n = 0; n < N; n++)
    for (let o = 0; o < O; o++)
      for (let oh = 0; oh < ho; oh++)
        for (let ow = 0; ow < wo; ow++) {
          const gv = gy.data[((n * O + o) * ho + oh) * wo + ow]!;
          for (let c = 0; c < C; c++)
            for (let i = 0; i < kh; i++)
              for (let j = 0; j < kw; j++) {
                const h = oh * g.stride[0] - g.padding[0] + i * g.dilation[0];
                const ww = ow * g.stride[1] - g.padding[1] + j * g.dilation[1];
                if (h < 0 || h >= H || ww < 0 || ww >= W) continue;
                gx[((n * C + c) * H + h) * W + ww]! += gv * w.data[((o * C + c) * kh + i) * kw + j]!;
              }
        }
  return { shape: [N, C, H, W], data: gx };
}

/** Gradient of the direct convolution w.r.t. the weights: gw[o,c,i,j] = sum_{n,oh,ow} gy * x at the tap. */
export function naiveConv2dBackwardWeight(gy: Dense, x: Dense, wShape: number[], g: Omit<Geometry2d, 'kernel'>): Dense {
  const [N, C] = x.shape as [number, number];
  const [O, , kh, kw] = wShape as [number, number, number, number];
  const [, , ho, wo] = gy.shape as [number, number, number, number];
  const gw = new Array<number>(O * C * kh * kw).fill(0);
  for (let o = 0; o < O; o++)
    for (let c = 0; c < C; c++)
      for (let i = 0; i < kh; i++)
        for (let j = 0; j < kw; j++) {
          let s = 0;
          for (let n = 0; n < N; n++)
            for (let oh = 0; oh < ho; oh++)
              for (let ow = 0; ow < wo; ow++) {
                const h = oh * g.stride[0] - g.padding[0] + i * g.dilation[0];
                const ww = ow * g.stride[1] - g.padding[1] + j * g.dilation[1];
                s += gy.data[((n * O + o) * ho + oh) * wo + ow]! * at4(x, n, c, h, ww);
              }
          gw[((o * C + c) * kh + i) * kw + j] = s;
        }
  return { shape: [O, C, kh, kw], data: gw };
}

/** Max pooling by its definition (padding = -inf, first maximum wins, a NaN wins as in PyTorch's `val > max || isnan(val)`). */
export function naiveMaxPool2d(x: Dense, k: [number, number], s: [number, number], p: [number, number]): { values: Dense; indices: number[] } {
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const ho = convOutSize(H, k[0], s[0], p[0], 1);
  const wo = convOutSize(W, k[1], s[1], p[1], 1);
  const values = new Array<number>(N * C * ho * wo).fill(0);
  const indices = new Array<number>(N * C * ho * wo).fill(0);
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++)
      for (let oh = 0; oh < ho; oh++)
        for (let ow = 0; ow < wo; ow++) {
          let best = -Infinity;
          let arg = -1;
          for (let i = 0; i < k[0]; i++)
            for (let j = 0; j < k[1]; j++) {
              const h = oh * s[0] - p[0] + i;
              const w = ow * s[1] - p[1] + j;
              if (h < 0 || h >= H || w < 0 || w >= W) continue;
              const v = x.data[((n * C + c) * H + h) * W + w]!;
              if (arg === -1) arg = h * W + w; // PyTorch starts from the first in-bounds tap
              if (v > best || Number.isNaN(v)) {
                best = v;
                arg = h * W + w;
              }
            }
          const o = ((n * C + c) * ho + oh) * wo + ow;
          values[o] = best;
          indices[o] = arg;
        }
  return { values: { shape: [N, C, ho, wo], data: values }, indices };
}

/** Average pooling with count_include_pad=true: every window divides by kh*kw. */
export function naiveAvgPool2d(x: Dense, k: [number, number], s: [number, number], p: [number, number]): Dense {
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const ho = convOutSize(H, k[0], s[0], p[0], 1);
  const wo = convOutSize(W, k[1], s[1], p[1], 1);
  const out = new Array<number>(N * C * ho * wo).fill(0);
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++)
      for (let oh = 0; oh < ho; oh++)
        for (let ow = 0; ow < wo; ow++) {
          let sum = 0;
          for (let i = 0; i < k[0]; i++)
            for (let j = 0; j < k[1]; j++) sum += at4(x, n, c, oh * s[0] - p[0] + i, ow * s[1] - p[1] + j);
          out[((n * C + c) * ho + oh) * wo + ow] = sum / (k[0] * k[1]);
        }
  return { shape: [N, C, ho, wo], data: out };
}

/** Largest |a - b| over two equally long lists. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= m)) m = d;
  }
  return m;
}
