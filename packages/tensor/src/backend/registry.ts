// The kernel registry (in the spirit of tfjs's registerKernel and MiniTorch's TensorOps): each hot kernel has a
// name, a `js` implementation and optionally a `simd` one; callers look the kernel up on the active backend.
import { TensorError } from '../errors';
import { getBackend, type BackendName } from './backend';

type AnyKernel = (...args: never[]) => unknown;
const kernels = new Map<string, Partial<Record<BackendName, AnyKernel>>>();

/** Registers `impl` as kernel `name` on `backend` (a second registration of the same pair is refused). */
export function registerKernel<F extends AnyKernel>(name: string, backend: BackendName, impl: F): void {
  const entry = kernels.get(name) ?? {};
  if (entry[backend] !== undefined) throw new TensorError('registerKernel', `kernel ${name} is already registered on backend ${backend}`);
  entry[backend] = impl;
  kernels.set(name, entry);
}

/**
 * The implementation of kernel `name` on the active backend, or its `js` implementation when the active backend
 * has none (every kernel has a js twin: it is the oracle).
 */
export function getKernel<F extends AnyKernel>(name: string, backend: BackendName = getBackend()): F {
  const entry = kernels.get(name);
  const impl = entry?.[backend] ?? entry?.js;
  if (impl === undefined) throw new TensorError('getKernel', `no kernel named ${name} is registered`);
  return impl as F;
}

/** The registered kernels and the backends each has, sorted by name. */
export function listKernels(): Array<{ name: string; backends: BackendName[] }> {
  return [...kernels.entries()]
    .map(([name, e]) => ({ name, backends: (Object.keys(e) as BackendName[]).sort() }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
