// The error of the torch.save writer: names the file being written and the problem.

/** A checkpoint that cannot be written as a torch.save file; the message names the file. */
export class TorchSaveError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`saveTorchCheckpoint ${file}: ${problem}`);
    this.name = 'TorchSaveError';
  }
}
