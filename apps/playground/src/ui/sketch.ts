// "Try your own input": a 28x28 drawing pad (drawn large) and image upload, both reduced to Fashion-MNIST's form:
// 28x28 grey, a light object on a black background.

/** Makes `canvas` a drawing pad (white strokes on black); returns a function that clears it. */
export function drawingPad(canvas: HTMLCanvasElement): () => void {
  const ctx = canvas.getContext('2d')!;
  const clear = (): void => {
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
  };
  clear();
  let drawing = false;
  const at = (e: PointerEvent): [number, number] => {
    const r = canvas.getBoundingClientRect();
    return [((e.clientX - r.left) / r.width) * canvas.width, ((e.clientY - r.top) / r.height) * canvas.height];
  };
  canvas.addEventListener('pointerdown', (e) => {
    drawing = true;
    const [x, y] = at(e);
    ctx.beginPath();
    ctx.moveTo(x, y);
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!drawing) return;
    const [x, y] = at(e);
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = canvas.width / 10;
    ctx.lineCap = 'round';
    ctx.lineTo(x, y);
    ctx.stroke();
  });
  for (const ev of ['pointerup', 'pointerleave'] as const) canvas.addEventListener(ev, () => (drawing = false));
  return clear;
}

/** Scales any image source to 28x28 grey bytes; inverts it when its border is light (a photo on a white background). */
export function toFashionMnist(source: CanvasImageSource): Uint8Array {
  const c = document.createElement('canvas');
  c.width = 28;
  c.height = 28;
  const ctx = c.getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(source, 0, 0, 28, 28);
  const rgba = ctx.getImageData(0, 0, 28, 28).data;
  const grey = new Uint8Array(28 * 28);
  for (let i = 0; i < grey.length; i++) grey[i] = Math.round(0.299 * rgba[4 * i]! + 0.587 * rgba[4 * i + 1]! + 0.114 * rgba[4 * i + 2]!);
  let border = 0;
  for (let i = 0; i < 28; i++) border += grey[i]! + grey[27 * 28 + i]! + grey[i * 28]! + grey[i * 28 + 27]!;
  if (border / (4 * 28) > 127) for (let i = 0; i < grey.length; i++) grey[i] = 255 - grey[i]!;
  return grey;
}
