// The error an allow-listed builder throws when its arguments are wrong; the unpickler adds file and offset.

/** A builder refused its arguments. */
export class BuilderError extends Error {}
