// The error loadTorchCheckpoint throws: it names the file and the problem.

/** A checkpoint file that could not be read. The message starts with the file name. */
export class CheckpointError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`loadTorchCheckpoint ${file}: ${problem}`);
    this.name = 'CheckpointError';
  }
}
