// The error autograd throws: its message starts with the Function (or op) that refused.

/** An error raised by the autograd engine or a differentiable op; `op` names the Function. */
export class AutogradError extends Error {
  readonly op: string;
  constructor(op: string, message: string) {
    super(`${op}: ${message}`);
    this.name = 'AutogradError';
    this.op = op;
  }
}
