// Checks that an output can be written before any work is done: a folder or a file in the way, a read-only or
// unwritable location, each named with its flag (the write itself could fail only after minutes of evaluation).
import fs from 'node:fs';
import path from 'node:path';
import { CliError } from './errors';

const MEANING: Readonly<Record<string, string>> = { EROFS: 'read-only file system', EACCES: 'permission denied', EPERM: 'operation not permitted' };

/** The path itself when it exists, else its nearest existing ancestor. */
function nearestExisting(p: string): string {
  let cur = path.resolve(p);
  while (!fs.existsSync(cur)) {
    const up = path.dirname(cur);
    if (up === cur) break;
    cur = up;
  }
  return cur;
}

/** Throws a filesystem CliError when the process cannot create entries in the existing folder `dir`. */
function checkCanWriteIn(what: string, dir: string): void {
  if (!fs.statSync(dir).isDirectory()) throw new CliError('filesystem', `${what}: ${dir} is a file, not a folder (ENOTDIR)`);
  try {
    fs.accessSync(dir, fs.constants.W_OK | fs.constants.X_OK); // EROFS on a read-only mount, EACCES without permission
  } catch (e) {
    const code = (e as { code?: string }).code ?? 'EACCES';
    throw new CliError('filesystem', `${what}: cannot write in ${dir}: ${MEANING[code] ?? code} (${code})`);
  }
}

/** Checks that `file` (named by `flag`) can be created or replaced: not a folder, in a writable place. */
export function checkWritableFile(command: string, flag: string, file: string): void {
  const what = `${command}: ${flag} ${file}`;
  if (fs.existsSync(file)) {
    if (fs.statSync(file).isDirectory()) throw new CliError('file', `${what} is a folder; give a file name (EISDIR)`);
    checkCanWriteIn(what, path.dirname(file)); // the atomic writer renames a temporary file in the same folder
    return;
  }
  checkCanWriteIn(what, nearestExisting(path.dirname(file)));
}

/** Checks that the folder `dir` (named by `flag`) exists as a writable folder or can be created. */
export function checkWritableFolder(command: string, flag: string, dir: string): void {
  const what = `${command}: ${flag} ${dir}`;
  if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) throw new CliError('filesystem', `${what} is an existing file, not a folder (EEXIST)`);
  checkCanWriteIn(what, nearestExisting(dir));
}
