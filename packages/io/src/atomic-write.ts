// Writing a file atomically: the bytes go to a temporary file beside it, then a rename replaces the target at once,
// so a reader never sees half a checkpoint and a failed write leaves the old file as it was.
import { renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Writes `bytes` to `path` atomically; on failure removes the temporary file and throws `wrap(message)`. */
export function writeFileAtomically(path: string, bytes: Uint8Array, wrap: (message: string) => Error): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // the temporary file was never created
    }
    throw wrap(`could not write: ${(err as Error).message}`);
  }
}
