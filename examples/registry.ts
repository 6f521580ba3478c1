// The list of examples by name (used by run.ts and by examples.test.ts).
import type { ExampleOptions } from './options';

/** An example's entry point. */
export type ExampleMain = (options: ExampleOptions) => Promise<unknown>;

/** Every example by name, loaded on demand. */
export const EXAMPLES: Record<string, () => Promise<{ main: ExampleMain }>> = {
  'gradcheck-custom-op': () => import('./gradcheck-custom-op'),
  'mlp-xor': () => import('./mlp-xor'),
  'adder-vs-conv': () => import('./adder-vs-conv'),
  'load-official-checkpoint': () => import('./load-official-checkpoint'),
};
