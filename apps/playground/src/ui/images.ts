// Pixel pictures on canvases: filter and activation grids (one tile per channel) and the confusion matrix.

/** Draws channels of a (C, H, W) block (or the Cin=1 slice of Cout filters) as grey tiles, each min-max scaled. */
export function drawTiles(canvas: HTMLCanvasElement, data: Float32Array, tiles: number, h: number, w: number, scale: number, columns = 8): void {
  const cols = Math.min(columns, tiles);
  const rows = Math.ceil(tiles / cols);
  canvas.width = cols * (w * scale + 2);
  canvas.height = rows * (h * scale + 2);
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#223';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  for (let t = 0; t < tiles; t++) {
    const off = t * h * w;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < h * w; i++) {
      lo = Math.min(lo, data[off + i]!);
      hi = Math.max(hi, data[off + i]!);
    }
    const img = ctx.createImageData(w, h);
    for (let i = 0; i < h * w; i++) {
      const v = hi > lo ? Math.round((255 * (data[off + i]! - lo)) / (hi - lo)) : 0;
      img.data.set([v, v, v, 255], 4 * i);
    }
    const tile = document.createElement('canvas');
    tile.width = w;
    tile.height = h;
    tile.getContext('2d')!.putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(tile, (t % cols) * (w * scale + 2) + 1, Math.floor(t / cols) * (h * scale + 2) + 1, w * scale, h * scale);
  }
}

/** A confusion matrix as a table, cells shaded by their share of the row. */
export function confusionTable(table: HTMLTableElement, confusion: number[][], classNames: readonly string[]): void {
  const head = `<tr><th>true \\ predicted</th>${classNames.map((_, j) => `<th title="${classNames[j]}">${j}</th>`).join('')}</tr>`;
  const rows = confusion.map((row, i) => {
    const total = row.reduce((a, b) => a + b, 0) || 1;
    const cells = row.map((v, j) => `<td style="background: rgba(${i === j ? '40,160,90' : '220,80,60'}, ${(v / total).toFixed(2)})">${v}</td>`).join('');
    return `<tr><th>${i} ${classNames[i]}</th>${cells}</tr>`;
  });
  table.innerHTML = head + rows.join('');
}
