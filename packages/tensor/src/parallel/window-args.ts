// A WindowGeometry as the plain-number kernel arguments a chunk receives, and back (workers get numbers only).
import type { WindowGeometry } from '../conv-geometry';
import type { KernelArgs } from './kernel';

const GEOMETRY = ['kh', 'kw', 'sh', 'sw', 'ph', 'pw', 'dh', 'dw', 'height', 'width', 'outH', 'outW'] as const;

/** The geometry's fields as kernel arguments. */
export function geometryArgs(g: WindowGeometry): KernelArgs {
  const out: KernelArgs = {};
  for (const key of GEOMETRY) out[key] = g[key];
  return out;
}

/** The geometry back from a chunk's arguments. */
export function geometryOf(args: KernelArgs): WindowGeometry {
  const g = {} as Record<(typeof GEOMETRY)[number], number>;
  for (const key of GEOMETRY) g[key] = args[key] as number;
  return g;
}
