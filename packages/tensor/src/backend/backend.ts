// The kernel backend: which implementation of each hot kernel runs. `js` is the readable reference loops;
// `simd` is the same kernels assembled at run time into WebAssembly SIMD128 (see ../wasm).
import { TensorError } from '../errors';
import { simdSupported } from '../wasm/probe';

/** The kernel backends. */
export const BACKENDS = ['js', 'simd'] as const;
/** The name of a kernel backend. */
export type BackendName = (typeof BACKENDS)[number];

let active: BackendName | null = null;
let notice: string | null = null;
const listeners: Array<(b: BackendName) => void> = [];

function parseBackend(source: string, value: unknown): BackendName {
  const v = typeof value === 'string' ? value.trim() : value;
  if (v !== 'js' && v !== 'simd') {
    throw new TensorError('setBackend', `expected a backend 'js' or 'simd' from ${source}, got ${JSON.stringify(value)}`);
  }
  if (v === 'simd' && !simdSupported()) {
    throw new TensorError('setBackend', `backend 'simd' was asked for by ${source}, but this runtime does not validate WebAssembly SIMD128`);
  }
  return v;
}

/** The default: ADDER_BACKEND if set, else `simd` when the runtime validates the SIMD probe, else `js` (with a notice). */
function defaultBackend(): BackendName {
  const env = typeof process === 'undefined' ? undefined : process.env.ADDER_BACKEND;
  if (env !== undefined && env.trim() !== '') return parseBackend('ADDER_BACKEND', env);
  if (simdSupported()) return 'simd';
  notice = 'adder: this runtime has no WebAssembly SIMD128; using the js backend';
  return 'js';
}

/** The active backend (chosen on first use: see setBackend). */
export function getBackend(): BackendName {
  active ??= defaultBackend();
  return active;
}

/**
 * Chooses the kernels: 'js' (the reference loops) or 'simd' (WebAssembly SIMD128; refused where the runtime
 * lacks it). Worker threads follow the caller's backend for every job.
 */
export function setBackend(name: BackendName): void {
  active = parseBackend('setBackend', name);
  for (const l of listeners) l(active);
}

/** Why the default fell back to `js`, or null. Call after getBackend(). */
export function backendNotice(): string | null {
  return notice;
}

/** Called with the new backend whenever setBackend runs. */
export function onBackendChange(listener: (b: BackendName) => void): void {
  listeners.push(listener);
}
