// A grey image as an uncompressed 24-bit BMP (the simplest file a browser decodes), for the upload test.

/** BMP bytes of a `w` x `h` grey image (row-major, top row first). */
export function bmpOfGrey(grey: Uint8Array, w: number, h: number): Uint8Array {
  const rowBytes = Math.ceil((3 * w) / 4) * 4;
  const size = 54 + rowBytes * h;
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  out.set([0x42, 0x4d]); // 'BM'
  v.setUint32(2, size, true);
  v.setUint32(10, 54, true); // pixel data offset
  v.setUint32(14, 40, true); // BITMAPINFOHEADER
  v.setInt32(18, w, true);
  v.setInt32(22, h, true); // positive: bottom row first
  v.setUint16(26, 1, true);
  v.setUint16(28, 24, true);
  v.setUint32(34, rowBytes * h, true);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const g = grey[(h - 1 - y) * w + x]!;
      out.set([g, g, g], 54 + y * rowBytes + 3 * x);
    }
  }
  return out;
}
