// The one error type the data package throws: it names the file (or op), what was expected and what was found.

/** An error raised while reading or loading data. The message starts with the file or op it concerns. */
export class DataError extends Error {
  readonly source: string;
  constructor(source: string, message: string) {
    super(`${source}: ${message}`);
    this.name = 'DataError';
    this.source = source;
  }
}
