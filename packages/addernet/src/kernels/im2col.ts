// im2col of one image of a batch into a reusable (K x P) scratch buffer, for the weight-gradient GEMM.
import type { TypedArray } from '@adder/tensor';
import type { AdderGeometry } from './geometry';

/**
 * Writes image `n` of x (contiguous NCHW) as col[k * P + p] = x_pad[n, ci, ho*s - p + i, wo*s - p + j],
 * with k = (ci*kh + i)*kw + j and p = ho*Wo + wo; padded taps are 0 (torch.nn.functional.unfold).
 */
export function im2colImage(x: TypedArray, n: number, g: AdderGeometry, col: TypedArray): void {
  const { cin, h, w, kh, kw, stride, padding, ho, wo, pSize } = g;
  const imageBase = n * cin * h * w;
  let row = 0;
  for (let ci = 0; ci < cin; ci++) {
    const planeBase = imageBase + ci * h * w;
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        let dst = row * pSize;
        for (let oh = 0; oh < ho; oh++) {
          const ih = oh * stride - padding + i;
          if (ih < 0 || ih >= h) {
            for (let ow = 0; ow < wo; ow++) col[dst++] = 0;
            continue;
          }
          const rowBase = planeBase + ih * w;
          let iw = j - padding;
          for (let ow = 0; ow < wo; ow++, iw += stride) col[dst++] = iw >= 0 && iw < w ? x[rowBase + iw]! : 0;
        }
        row++;
      }
    }
  }
}
