// The error the pickle reader throws: it names the source file, the byte offset and the problem.
import { oneLine } from '../limits';

/** A pickle that could not be read safely. The message names the source and the byte offset. */
export class PickleError extends Error {
  constructor(
    readonly source: string,
    readonly position: number,
    readonly problem: string,
  ) {
    super(oneLine(`readPickle ${source}: ${problem} (at byte ${position})`));
    this.name = 'PickleError';
  }
}
