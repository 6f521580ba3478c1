// Naive reference transforms for the tests: one image at a time, as nested arrays, written the obvious way.

/** Pads a C x H x W image with `p` zeros on each side, as nested arrays. */
export function naivePad(img: number[][][], p: number): number[][][] {
  return img.map((plane) => {
    const w = plane[0]!.length + 2 * p;
    const rows: number[][] = [];
    for (let y = 0; y < p; y++) rows.push(new Array(w).fill(0));
    for (const row of plane) rows.push([...new Array(p).fill(0), ...row, ...new Array(p).fill(0)]);
    for (let y = 0; y < p; y++) rows.push(new Array(w).fill(0));
    return rows;
  });
}

/** torchvision RandomCrop with its offsets given: pad by p, then the size x size window at (top, left). */
export function naiveCrop(img: number[][][], p: number, size: number, top: number, left: number): number[][][] {
  return naivePad(img, p).map((plane) => plane.slice(top, top + size).map((row) => row.slice(left, left + size)));
}

/** Mirrors each row. */
export function naiveFlip(img: number[][][]): number[][][] {
  return img.map((plane) => plane.map((row) => [...row].reverse()));
}

/** Row k of a flat CHW batch as nested arrays. */
export function imageOf(data: ArrayLike<number>, k: number, c: number, h: number, w: number): number[][][] {
  const out: number[][][] = [];
  for (let ch = 0; ch < c; ch++) {
    const plane: number[][] = [];
    for (let y = 0; y < h; y++) {
      const row: number[] = [];
      for (let x = 0; x < w; x++) row.push(data[((k * c + ch) * h + y) * w + x]!);
      plane.push(row);
    }
    out.push(plane);
  }
  return out;
}
