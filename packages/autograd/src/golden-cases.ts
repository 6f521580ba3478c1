// Golden cases from PyTorch (tools/golden/gen_layers.py): inputs, the op's output, an upstream gradient gy and
// torch's gradients of sum(out * gy); checkGoldenCase runs one through our op in float64 and compares.
import { readFileSync } from 'node:fs';
import { fromArray, type NDArray } from '@adder/tensor';
import { Tensor } from './index';

/** A flat array and its shape; non-finite values are the strings Number() reads ('-Infinity'). */
export interface GoldenArray {
  shape: number[];
  data: (number | string)[];
  dtype?: 'float64' | 'int32';
}
/** One case of a golden file. */
export interface GoldenCase {
  name: string;
  op: string;
  options: Record<string, unknown>;
  /** The differentiated float inputs. */
  inputs: Record<string, GoldenArray>;
  /** Inputs that get no gradient (class targets, loss weights). */
  consts: Record<string, GoldenArray>;
  out: GoldenArray;
  gy: GoldenArray;
  grads: Record<string, GoldenArray>;
}

/** The cases of a golden JSON file. */
export function loadGoldenCases(url: URL): GoldenCase[] {
  return (JSON.parse(readFileSync(url, 'utf8')) as { cases: GoldenCase[] }).cases;
}

/** A golden array as an NDArray (float64 unless it says int32). */
export function goldenArray(a: GoldenArray): NDArray {
  return fromArray(a.data.map(Number), a.dtype ?? 'float64').reshape(a.shape);
}

/** The op under test: called with the case's inputs (as float64 Tensors needing grad), its consts and options. */
export type GoldenCall = (inputs: Record<string, Tensor>, consts: Record<string, NDArray>, options: Record<string, unknown>) => Tensor;

/** Throws unless `got` equals `want` within |d| <= tol * max(1, |want|) (non-finite values must match exactly). */
function expectClose(what: string, got: ArrayLike<number>, want: readonly number[], tol: number): void {
  if (got.length !== want.length) throw new Error(`${what}: ${got.length} values, torch has ${want.length}`);
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    const ok = Number.isFinite(w) ? Math.abs(g - w) <= tol * Math.max(1, Math.abs(w)) : Object.is(g, w) || (Number.isNaN(g) && Number.isNaN(w));
    if (!ok) throw new Error(`${what}[${i}]: got ${g}, torch has ${w}`);
  }
}

/** Runs a golden case in float64: output shape and values, then every input's gradient, within `tol`. */
export function checkGoldenCase(c: GoldenCase, call: GoldenCall, tol = 1e-11): void {
  const inputs: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(c.inputs)) inputs[k] = new Tensor(goldenArray(v), true);
  const consts: Record<string, NDArray> = {};
  for (const [k, v] of Object.entries(c.consts)) consts[k] = goldenArray(v);
  const out = call(inputs, consts, c.options);
  if (out.shape.join() !== c.out.shape.join()) throw new Error(`${c.name}: output shape [${out.shape.join(', ')}], torch has [${c.out.shape.join(', ')}]`);
  expectClose(`${c.name} out`, out.data.contiguous().toTyped(), c.out.data.map(Number), tol);
  out.mul(new Tensor(goldenArray(c.gy))).sum().backward();
  for (const [k, want] of Object.entries(c.grads)) {
    const grad = inputs[k]!.grad;
    if (grad === null) throw new Error(`${c.name}: no gradient for ${k}`);
    expectClose(`${c.name} grad ${k}`, grad.data.contiguous().toTyped(), want.data.map(Number), tol);
  }
}
