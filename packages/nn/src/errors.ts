// The error type the nn package throws: it names the layer, loss or optimiser that refused the input.

/** An error raised by an nn module, loss, optimiser or state-dict load. The message starts with `where`. */
export class NNError extends Error {
  readonly where: string;
  constructor(where: string, message: string) {
    super(`${where}: ${message}`);
    this.name = 'NNError';
    this.where = where;
  }
}

/** Builds an NNError, for autograd's checkOptions/refuseOption (so nn's option errors are NNErrors). */
export const nnError = (where: string, message: string): NNError => new NNError(where, message);
