// noGradAsync's context store in Node: AsyncLocalStorage follows a function's own async continuations.
export { AsyncLocalStorage } from 'node:async_hooks';
