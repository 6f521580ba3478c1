// The test oracle: a literal float64 transcription of the reference's adder2d_function and adder Function
// (the seed's unfold -> permute -> broadcasting forward/backward -> fold), with plain loops. Slow on purpose.
// Its arrays are the workspace's one oracle type, Dense of @adder/tensor/testing (row-major numbers, float64).
import type { Dense } from '@adder/tensor/testing';

export type { Dense };

/** torch.nn.functional.unfold of a (1, C, H, W) array: (C*kh*kw, Ho*Wo), row (c*kh + i)*kw + j, column oh*Wo + ow. */
function unfold(x: ArrayLike<number>, c: number, h: number, w: number, k: number, padding: number, stride: number): Float64Array[] {
  const ho = Math.floor((h - k + 2 * padding) / stride) + 1;
  const wo = Math.floor((w - k + 2 * padding) / stride) + 1;
  const rows: Float64Array[] = [];
  for (let ch = 0; ch < c; ch++) {
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        const row = new Float64Array(ho * wo);
        for (let oh = 0; oh < ho; oh++) {
          for (let ow = 0; ow < wo; ow++) {
            const ih = oh * stride - padding + i;
            const iw = ow * stride - padding + j;
            row[oh * wo + ow] = ih >= 0 && ih < h && iw >= 0 && iw < w ? x[(ch * h + ih) * w + iw]! : 0;
          }
        }
        rows.push(row);
      }
    }
  }
  return rows;
}

/** torch.nn.functional.fold, the adjoint of unfold: sums every column entry back into its (padded-away) pixel. */
function fold(rows: Float64Array[], c: number, h: number, w: number, k: number, padding: number, stride: number): Float64Array {
  const ho = Math.floor((h - k + 2 * padding) / stride) + 1;
  const wo = Math.floor((w - k + 2 * padding) / stride) + 1;
  const out = new Float64Array(c * h * w);
  let r = 0;
  for (let ch = 0; ch < c; ch++) {
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++, r++) {
        for (let oh = 0; oh < ho; oh++) {
          for (let ow = 0; ow < wo; ow++) {
            const ih = oh * stride - padding + i;
            const iw = ow * stride - padding + j;
            if (ih >= 0 && ih < h && iw >= 0 && iw < w) out[(ch * h + ih) * w + iw]! += rows[r]![oh * wo + ow]!;
          }
        }
      }
    }
  }
  return out;
}

/** The reference's layout: X_col[kk][l] with l = (oh*Wo + ow)*N + n, and W_col[co][kk]. */
function columns(x: Dense, wt: Dense, stride: number, padding: number) {
  const [nX, dX, hX, wX] = x.shape as [number, number, number, number];
  const [nF, dF, hF] = wt.shape as [number, number, number, number];
  if (dF !== dX) throw new Error('oracle: channel mismatch');
  const hOut = Math.floor((hX - hF + 2 * padding) / stride) + 1;
  const wOut = Math.floor((wX - hF + 2 * padding) / stride) + 1;
  const kSize = dX * hF * hF;
  const pSize = hOut * wOut;
  // X.view(1, -1, h_x, w_x) -> unfold -> .view(n_x, -1, h_out*w_out): row n*K + kk of the unfold is (n, kk).
  const u = unfold(x.data, nX * dX, hX, wX, hF, padding, stride);
  // .permute(1, 2, 0).view(K, -1): X_col[kk][p*N + n] = u[n*K + kk][p].
  const xCol: Float64Array[] = [];
  for (let kk = 0; kk < kSize; kk++) {
    const row = new Float64Array(pSize * nX);
    for (let p = 0; p < pSize; p++) for (let n = 0; n < nX; n++) row[p * nX + n] = u[n * kSize + kk]![p]!;
    xCol.push(row);
  }
  const wCol: Float64Array[] = [];
  for (let co = 0; co < nF; co++) wCol.push(Float64Array.from(wt.data.slice(co * kSize, (co + 1) * kSize)));
  return { nX, dX, hX, wX, nF, hF, hOut, wOut, kSize, pSize, L: pSize * nX, xCol, wCol };
}

/** adder2d_function forward: output = -(W_col.unsqueeze(2) - X_col.unsqueeze(0)).abs().sum(1), viewed back to NCHW. */
export function oracleForward(x: Dense, wt: Dense, stride: number, padding: number): Dense {
  const c = columns(x, wt, stride, padding);
  const out = new Float64Array(c.nX * c.nF * c.pSize);
  for (let co = 0; co < c.nF; co++) {
    for (let l = 0; l < c.L; l++) {
      let s = 0;
      for (let kk = 0; kk < c.kSize; kk++) s += Math.abs(c.wCol[co]![kk]! - c.xCol[kk]![l]!);
      // out.view(n_filters, h_out, w_out, n_x).permute(3, 0, 1, 2): l = p*N + n.
      const p = Math.floor(l / c.nX);
      const n = l % c.nX;
      out[(n * c.nF + co) * c.pSize + p] = -s;
    }
  }
  return { data: Array.from(out), shape: [c.nX, c.nF, c.hOut, c.wOut] };
}

/** The adder Function's backward, then back through the permutes, views and unfold: returns dX (NCHW) and the scaled dW. */
export function oracleBackward(x: Dense, wt: Dense, gradOut: Dense, stride: number, padding: number, eta: number): { gradX: Dense; gradW: Dense; rawGradW: Float64Array } {
  const c = columns(x, wt, stride, padding);
  // grad_output (n_filters, L): the inverse of the output permute.
  const g: Float64Array[] = [];
  for (let co = 0; co < c.nF; co++) {
    const row = new Float64Array(c.L);
    for (let n = 0; n < c.nX; n++) for (let p = 0; p < c.pSize; p++) row[p * c.nX + n] = gradOut.data[(n * c.nF + co) * c.pSize + p]!;
    g.push(row);
  }
  // grad_W_col = ((X_col.unsqueeze(0) - W_col.unsqueeze(2)) * grad_output.unsqueeze(1)).sum(2)
  const raw = new Float64Array(c.nF * c.kSize);
  for (let co = 0; co < c.nF; co++) {
    for (let kk = 0; kk < c.kSize; kk++) {
      let s = 0;
      for (let l = 0; l < c.L; l++) s += (c.xCol[kk]![l]! - c.wCol[co]![kk]!) * g[co]![l]!;
      raw[co * c.kSize + kk] = s;
    }
  }
  // grad_W_col / grad_W_col.norm(p=2).clamp(min=1e-12) * sqrt(W_col.size(1) * W_col.size(0)) / 5  (eta = 1/5)
  let sq = 0;
  for (let i = 0; i < raw.length; i++) sq += raw[i]! * raw[i]!;
  const norm = Math.max(Math.sqrt(sq), 1e-12);
  const gw = new Float64Array(raw.length);
  for (let i = 0; i < raw.length; i++) gw[i] = (raw[i]! / norm) * Math.sqrt(c.kSize * c.nF) * eta;
  // grad_X_col = (-(X_col.unsqueeze(0) - W_col.unsqueeze(2)).clamp(-1, 1) * grad_output.unsqueeze(1)).sum(0)
  const gxCol: Float64Array[] = [];
  for (let kk = 0; kk < c.kSize; kk++) {
    const row = new Float64Array(c.L);
    for (let l = 0; l < c.L; l++) {
      let s = 0;
      for (let co = 0; co < c.nF; co++) s += -Math.min(1, Math.max(-1, c.xCol[kk]![l]! - c.wCol[co]![kk]!)) * g[co]![l]!;
      row[l] = s;
    }
    gxCol.push(row);
  }
  // Back through .permute(1, 2, 0) and .view: u-grad row n*K + kk, column p; then fold into (1, N*Cin, H, W).
  const uGrad: Float64Array[] = [];
  for (let n = 0; n < c.nX; n++) {
    for (let kk = 0; kk < c.kSize; kk++) {
      const row = new Float64Array(c.pSize);
      for (let p = 0; p < c.pSize; p++) row[p] = gxCol[kk]![p * c.nX + n]!;
      uGrad.push(row);
    }
  }
  const gx = fold(uGrad, c.nX * c.dX, c.hX, c.wX, c.hF, padding, stride);
  return { gradX: { data: Array.from(gx), shape: [...x.shape] }, gradW: { data: Array.from(gw), shape: [...wt.shape] }, rawGradW: raw };
}
