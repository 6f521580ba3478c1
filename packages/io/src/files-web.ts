// @adder/io in a browser: there are no file paths, only bytes (pass a Uint8Array from a File or a fetch instead).

/** Refuses: reading a path needs Node. */
export function readFileBytes(path: string): Uint8Array {
  throw new Error(`cannot read the path ${path} in a browser: expected the file's bytes (a Uint8Array) instead of a path`);
}

/** Refuses: writing a path needs Node. */
export function writeFileAtomically(path: string, _bytes: Uint8Array): void {
  throw new Error(`cannot write the path ${path} in a browser: expected encodeSafetensors and a download instead`);
}
