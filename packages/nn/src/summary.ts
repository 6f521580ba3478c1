// A printable model summary: the module tree with each module's output shape and parameter count.
import { noGrad, Tensor } from '@adder/autograd';
import { zeros, type DType } from '@adder/tensor';
import type { HookHandle, Module } from './module';

/** One row of the summary. */
export interface SummaryRow {
  /** Dotted name ('' for the root). */
  name: string;
  /** Class name. */
  type: string;
  /** Depth in the tree (0 for the root). */
  depth: number;
  /** The output shape of the last call during the summary pass, or null when the module was not called. */
  outputShape: number[] | null;
  /** Parameters registered directly on this module. */
  params: number;
}

/** The result of summarize: rows in pre-order plus totals and the printable table. */
export interface ModelSummary {
  rows: SummaryRow[];
  totalParams: number;
  trainableParams: number;
  text: string;
}

/**
 * Runs one forward pass on zeros of `inputShape` (in eval mode, without recording a graph, then
 * restoring each module's mode) and tabulates every module's output shape and own parameter count.
 */
export function summarize(model: Module, inputShape: readonly number[], options: { dtype?: DType } = {}): ModelSummary {
  const modes = [...model.modules()].map((m) => [m, m.training] as const);
  const shapes = new Map<Module, number[]>();
  const handles: HookHandle[] = [];
  for (const m of model.modules()) handles.push(m.registerForwardHook((mod, _in, out) => void shapes.set(mod, [...out.shape])));
  try {
    model.eval();
    noGrad(() => model.call(new Tensor(zeros(inputShape, options.dtype ?? 'float32'))));
  } finally {
    for (const h of handles) h.remove();
    for (const [m, t] of modes) m.training = t;
  }
  const rows: SummaryRow[] = [];
  for (const [name, m] of model.namedModules()) {
    let own = 0;
    for (const [pname, p] of m.namedParameters()) if (!pname.includes('.')) own += p.size;
    rows.push({ name, type: m.constructor.name, depth: name === '' ? 0 : name.split('.').length, outputShape: shapes.get(m) ?? null, params: own });
  }
  const totalParams = model.numParameters();
  const trainableParams = model.numParameters(true);
  const cells = rows.map((r) => [`${'  '.repeat(r.depth)}${r.name === '' ? '(root)' : r.name.split('.').pop()!} (${r.type})`, r.outputShape ? `[${r.outputShape.join(', ')}]` : '-', r.params === 0 ? '' : r.params.toLocaleString('en-US')]);
  const header = ['Layer (type)', 'Output shape', 'Params'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]): string => `${c[0]!.padEnd(widths[0]!)}  ${c[1]!.padEnd(widths[1]!)}  ${c[2]!.padStart(widths[2]!)}`;
  const rule = '-'.repeat(widths[0]! + widths[1]! + widths[2]! + 4);
  const text = [
    line(header),
    rule,
    ...cells.map(line),
    rule,
    `Input shape: [${inputShape.join(', ')}]`,
    `Total params: ${totalParams.toLocaleString('en-US')}`,
    `Trainable params: ${trainableParams.toLocaleString('en-US')}`,
    `Non-trainable params: ${(totalParams - trainableParams).toLocaleString('en-US')}`,
  ].join('\n');
  return { rows, totalParams, trainableParams, text };
}
