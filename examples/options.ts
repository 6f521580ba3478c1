// What every example takes: a smoke switch (tiny sizes, for the test) and where to print.

/** Options every example's main() takes. */
export interface ExampleOptions {
  /** Tiny sizes, so that examples/examples.test.ts can run every example in seconds. */
  smoke: boolean;
  /** Receives each printed line (console.log when run by `pnpm example`). */
  log: (line: string) => void;
}
