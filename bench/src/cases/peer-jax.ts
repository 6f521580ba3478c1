// @jax-js/jax (wasm device) as a peer: matmul and conv2d forward / forward+backward on the same shapes as ours.
// jax-js assembles WebAssembly SIMD kernels at run time and compiles one per shape on its first call (0.3-6 s), so
// the harness's warmup runs matter; its worker pool needs a global Worker, which Node 20 lacks, so it runs on one
// thread. Arrays are reference-counted and every operation consumes its arguments: inputs are passed as `x.ref`.
// A time is to `await y.blockUntilReady()` of every output. The package is imported on first use, so that a
// missing or broken install skips these rows (with the reason) instead of stopping the bench.
import type { Array as JaxArray } from '@jax-js/jax';
import type { BenchCase } from '../harness';

type Jax = typeof import('@jax-js/jax');

/** The name of these rows. */
export const JAX = 'jax-js wasm';

let loading: Promise<Jax> | undefined;

/** Imports jax-js and makes wasm the default device (once); rejects with the reason when it cannot. */
function jax(): Promise<Jax> {
  loading ??= (async () => {
    const mod = await import('@jax-js/jax');
    const devices = await mod.init('wasm');
    if (!devices.includes('wasm')) throw new Error(`jax-js: the wasm device did not initialise (available: ${devices.join(', ') || 'none'})`);
    mod.defaultDevice('wasm');
    return mod;
  })();
  return loading;
}

/** Deterministic uniform values in [-1, 1) (xorshift32), so that every peer sees inputs of the same scale. */
export function uniform(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = (s >>> 0) / 2 ** 31 - 1;
  }
  return out;
}

function array(j: Jax, shape: number[], seed: number): JaxArray {
  return j.numpy.array(uniform(shape.reduce((a, b) => a * b, 1), seed), { shape });
}

/** Builds a case's inputs on its first run (the warmup), after jax-js is ready. */
function lazyInputs<T>(make: (j: Jax) => T): () => Promise<{ j: Jax; v: T }> {
  let state: Promise<{ j: Jax; v: T }> | undefined;
  return () => (state ??= jax().then((j) => ({ j, v: make(j) })));
}

/** jnp.matmul of (m, k) by (k, n), float32. */
export function jaxMatmulCase(name: string, m: number, k: number, n: number): BenchCase {
  const io = lazyInputs((j) => ({ a: array(j, [m, k], 1), b: array(j, [k, n], 2) }));
  return {
    name, impl: JAX, flops: 2 * m * k * n,
    run: async () => {
      const { j, v } = await io();
      const c = j.numpy.matmul(v.a.ref, v.b.ref);
      await c.blockUntilReady();
      c.dispose();
    },
  };
}

/**
 * lax.conv (NCHW input, OIHW weight, stride 1, 'SAME' = padding 1 for 3x3) forward, or forward plus both gradients
 * through vjp (the forward is part of the vjp, as it is of our forward+backward).
 */
export function jaxConvCase(name: string, batch: number, c: number, hw: number, pass: 'fwd' | 'fwd+bwd'): BenchCase {
  const io = lazyInputs((j) => ({ x: array(j, [batch, c, hw, hw], 3), w: array(j, [c, c, 3, 3], 4), gy: array(j, [batch, c, hw, hw], 5) }));
  const fwdFlops = 2 * batch * c * hw * hw * c * 9;
  const conv = (j: Jax) => (x: JaxArray, w: JaxArray): JaxArray => j.lax.conv(x, w, [1, 1], 'SAME');
  return {
    name, impl: JAX, flops: pass === 'fwd' ? fwdFlops : 3 * fwdFlops, items: batch, unit: 'img',
    run: async () => {
      const { j, v } = await io();
      if (pass === 'fwd') {
        const y = conv(j)(v.x.ref, v.w.ref);
        await y.blockUntilReady();
        y.dispose();
        return;
      }
      const [y, back] = j.vjp(conv(j), [v.x.ref, v.w.ref]);
      const [dx, dw] = back(v.gy.ref);
      await j.blockUntilReady([y, dx, dw]);
      y.dispose();
      dx.dispose();
      dw.dispose();
      back.dispose();
    },
  };
}
