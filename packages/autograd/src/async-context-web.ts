// noGradAsync's context store in a browser, which has no AsyncLocalStorage: the value holds from the call until the
// returned promise settles, for every task in the thread (not only fn's own continuations, as in Node).

/** The subset of node:async_hooks' AsyncLocalStorage that grad-mode.ts uses. */
export class AsyncLocalStorage<T> {
  private readonly stack: T[] = [];

  getStore(): T | undefined {
    return this.stack[this.stack.length - 1];
  }

  run<R>(value: T, fn: () => R): R {
    this.stack.push(value);
    let result: R;
    try {
      result = fn();
    } catch (e) {
      this.stack.pop();
      throw e;
    }
    if (result instanceof Promise) {
      return result.finally(() => this.remove(value)) as R;
    }
    this.stack.pop();
    return result;
  }

  private remove(value: T): void {
    const i = this.stack.lastIndexOf(value);
    if (i >= 0) this.stack.splice(i, 1);
  }
}
