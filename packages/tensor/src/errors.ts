// The one error type the tensor package throws: it names the op that refused the input.

/** An error raised by a tensor op. The message starts with the op name. */
export class TensorError extends Error {
  readonly op: string;
  constructor(op: string, message: string) {
    super(`${op}: ${message}`);
    this.name = 'TensorError';
    this.op = op;
  }
}

/** Formats a shape the way PyTorch prints one: [2, 3]. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
