// Grad mode: whether Function applications are recorded into a graph (torch.no_grad).
import { AsyncLocalStorage } from '#async-context';

let syncDisabledDepth = 0;
const asyncDisabled = new AsyncLocalStorage<boolean>();

/** True when differentiable ops record a graph (false inside noGrad / noGradAsync). */
export function isGradEnabled(): boolean {
  return syncDisabledDepth === 0 && asyncDisabled.getStore() !== true;
}

/** Runs `fn` without recording any graph (torch.no_grad); restores the mode even when fn throws. */
export function noGrad<T>(fn: () => T): T {
  syncDisabledDepth++;
  try {
    return fn();
  } finally {
    syncDisabledDepth--;
  }
}

/**
 * Runs an async `fn` without recording any graph. The mode follows fn's own async context
 * (AsyncLocalStorage), so concurrent grad-enabled work elsewhere is unaffected.
 */
export function noGradAsync<T>(fn: () => Promise<T>): Promise<T> {
  return asyncDisabled.run(true, fn);
}
