// Builds the model a config names, and infers an architecture from a checkpoint's keys and shapes.
import { type NetworkKind, resnet, resnet50 } from '@adder/addernet';
import type { Module } from '@adder/nn';
import type { NDArray } from '@adder/tensor';

/** The architectures the commands know. */
export type ModelName = 'resnet20' | 'resnet32' | 'resnet56' | 'resnet50';

/** A model description: architecture, kind, classes and input channels. */
export interface ModelSpec {
  model: ModelName;
  kind: NetworkKind;
  numClasses: number;
  inChannels: number;
  eta?: number;
}

/** Builds a freshly initialised model. */
export function buildModel(spec: ModelSpec): Module {
  const common = { numClasses: spec.numClasses, inChannels: spec.inChannels, kind: spec.kind, ...(spec.eta !== undefined ? { eta: spec.eta } : {}) };
  if (spec.model === 'resnet50') return resnet50(common);
  const depth = Number(spec.model.slice('resnet'.length)) as 20 | 32 | 56;
  return resnet({ depth, ...common });
}

/** The checkpoint's keys do not say which network it is (the message lists what is missing or unexpected). */
export class ArchitectureInferenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArchitectureInferenceError';
  }
}

/**
 * Infers the architecture from state-dict keys and shapes: bottleneck `conv3` keys mean ResNet-50,
 * otherwise the block count of layer1 gives the depth (3, 5, 9 -> 20, 32, 56); `.adder` keys mean
 * AdderNet; the classifier and the stem give the classes and input channels.
 */
export function inferModelSpec(sd: Record<string, NDArray>): ModelSpec {
  const keys = Object.keys(sd);
  const kind: NetworkKind = keys.some((k) => k.endsWith('.adder')) ? 'adder' : 'cnn';
  const fc = sd['fc.weight'];
  const stem = sd['conv1.weight'];
  if (!fc || !stem) throw new ArchitectureInferenceError(`cannot infer the architecture: the checkpoint has no ${!fc ? 'fc.weight' : 'conv1.weight'} (keys: ${keys.slice(0, 6).join(', ')}${keys.length > 6 ? ', ...' : ''})`);
  const numClasses = fc.shape[0]!;
  const inChannels = stem.shape[1]!;
  if (keys.some((k) => /^layer1\.0\.conv3\./.test(k))) return { model: 'resnet50', kind, numClasses, inChannels };
  const blocks = new Set(keys.map((k) => /^layer1\.(\d+)\./.exec(k)?.[1]).filter((x): x is string => x !== undefined)).size;
  const depth = { 3: 20, 5: 32, 9: 56 }[blocks];
  if (depth === undefined) throw new ArchitectureInferenceError(`cannot infer the architecture: layer1 has ${blocks} blocks (expected 3, 5 or 9 for ResNet-20/32/56)`);
  return { model: `resnet${depth}` as ModelName, kind, numClasses, inChannels };
}
