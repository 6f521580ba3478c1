// Naive reference loops (the oracles of the layer tests), written independently of the kernels.

/** Naive conv2d over nested arrays: x [N][Cin][H][W], w [Cout][Cin][kh][kw], bias [Cout] | null. */
export function naiveConv2d(
  x: number[][][][],
  w: number[][][][],
  bias: number[] | null,
  stride: [number, number],
  padding: [number, number],
  dilation: [number, number],
): number[][][][] {
  const N = x.length, Cin = x[0]!.length, H = x[0]![0]!.length, W = x[0]![0]![0]!.length;
  const Cout = w.length, kh = w[0]![0]!.length, kw = w[0]![0]![0]!.length;
  const outH = Math.floor((H + 2 * padding[0] - dilation[0] * (kh - 1) - 1) / stride[0]) + 1;
  const outW = Math.floor((W + 2 * padding[1] - dilation[1] * (kw - 1) - 1) / stride[1]) + 1;
  const out: number[][][][] = [];
  for (let n = 0; n < N; n++) {
    const planes: number[][][] = [];
    for (let co = 0; co < Cout; co++) {
      const plane: number[][] = [];
      for (let oy = 0; oy < outH; oy++) {
        const row: number[] = [];
        for (let ox = 0; ox < outW; ox++) {
          let s = bias ? bias[co]! : 0;
          for (let ci = 0; ci < Cin; ci++)
            for (let ky = 0; ky < kh; ky++)
              for (let kx = 0; kx < kw; kx++) {
                const iy = oy * stride[0] - padding[0] + ky * dilation[0];
                const ix = ox * stride[1] - padding[1] + kx * dilation[1];
                if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                s += x[n]![ci]![iy]![ix]! * w[co]![ci]![ky]![kx]!;
              }
          row.push(s);
        }
        plane.push(row);
      }
      planes.push(plane);
    }
    out.push(planes);
  }
  return out;
}

/** Naive y = x W^T + b for x [N][in], W [out][in]. */
export function naiveLinear(x: number[][], w: number[][], b: number[] | null): number[][] {
  return x.map((row) => w.map((wr, o) => wr.reduce((s, v, i) => s + v * row[i]!, b ? b[o]! : 0)));
}

/** Naive batch norm with given per-channel mean/var over x [N][C][S] (flattened spatial). */
export function naiveBatchNorm(x: number[][][], mean: number[], variance: number[], w: number[], b: number[], eps: number): number[][][] {
  return x.map((planes) => planes.map((v, c) => v.map((e) => ((e - mean[c]!) / Math.sqrt(variance[c]! + eps)) * w[c]! + b[c]!)));
}

/** Per-channel batch mean and biased/unbiased variance of x [N][C][S]. */
export function channelStats(x: number[][][]): { mean: number[]; biased: number[]; unbiased: number[] } {
  const C = x[0]!.length;
  const mean: number[] = [], biased: number[] = [], unbiased: number[] = [];
  for (let c = 0; c < C; c++) {
    const vals = x.flatMap((planes) => planes[c]!);
    const m = vals.reduce((s, v) => s + v, 0) / vals.length;
    const q = vals.reduce((s, v) => s + (v - m) ** 2, 0);
    mean.push(m);
    biased.push(q / vals.length);
    unbiased.push(q / (vals.length - 1));
  }
  return { mean, biased, unbiased };
}

/** Max absolute difference of two equally shaped nested arrays. */
export function maxAbsDiff(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b);
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, maxAbsDiff(a[i], b[i]));
  return m;
}

/** Naive 2-D pooling of x [N][C][H][W] ('max' pads with -Infinity, 'avg' counts the padding). */
export function naivePool2d(x: number[][][][], kind: 'max' | 'avg', k: [number, number], s: [number, number], p: [number, number]): number[][][][] {
  const H = x[0]![0]!.length, W = x[0]![0]![0]!.length;
  const outH = Math.floor((H + 2 * p[0] - k[0]) / s[0]) + 1;
  const outW = Math.floor((W + 2 * p[1] - k[1]) / s[1]) + 1;
  return x.map((planes) =>
    planes.map((plane) => {
      const rows: number[][] = [];
      for (let oy = 0; oy < outH; oy++) {
        const row: number[] = [];
        for (let ox = 0; ox < outW; ox++) {
          let acc = kind === 'max' ? -Infinity : 0;
          for (let ky = 0; ky < k[0]; ky++)
            for (let kx = 0; kx < k[1]; kx++) {
              const iy = oy * s[0] - p[0] + ky;
              const ix = ox * s[1] - p[1] + kx;
              const v = iy < 0 || iy >= H || ix < 0 || ix >= W ? (kind === 'max' ? -Infinity : 0) : plane[iy]![ix]!;
              acc = kind === 'max' ? Math.max(acc, v) : acc + v;
            }
          row.push(kind === 'max' ? acc : acc / (k[0] * k[1]));
        }
        rows.push(row);
      }
      return rows;
    }),
  );
}
