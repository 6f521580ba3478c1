// The error loadTorchCheckpoint throws: it names the file and the problem.
import { oneLine } from '../limits';

/** A checkpoint file that could not be read. The message starts with the file name. */
export class CheckpointError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(oneLine(`loadTorchCheckpoint ${file}: ${problem}`));
    this.name = 'CheckpointError';
  }
}
