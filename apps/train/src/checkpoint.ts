// Training checkpoints: model tensors under their bare PyTorch names, the optimiser state under
// `optim.`, and everything else (epoch, step, schedule, RNG, config) in the safetensors metadata.
import type { NDArray } from '@adder/tensor';
import { type Module, type Optimizer, type OptimizerStateMeta } from '@adder/nn';
import { loadSafetensors, saveSafetensors } from '@adder/io';
import { CliError } from './cli/errors';

/** The non-tensor state of a run, saved in the metadata under `adder.train`. */
export interface RunState {
  /** epochs fully completed */
  epoch: number;
  /** optimiser steps taken in total */
  step: number;
  bestAcc: number;
  /** the train config, as JSON */
  config: unknown;
  /** epoch lrs are a pure function of the config, so the schedule state is just the epoch; kept for readers */
  schedule: { name: string; lastEpoch: number };
  /** dropout / init generator state, if any */
  rng: unknown;
}

const OPTIM_PREFIX = 'optim.';

/** Writes model + optimiser + run state atomically (temp file, then rename). */
export function saveCheckpoint(file: string, model: Module, optimizer: Optimizer<{ lr: number }> | null, state: RunState): void {
  const tensors: Record<string, NDArray> = { ...model.stateDict() };
  const metadata: Record<string, string> = { format: 'adder-train-checkpoint/1', 'adder.train': JSON.stringify(state) };
  if (optimizer) {
    const sd = optimizer.stateDict();
    for (const [k, v] of Object.entries(sd.tensors)) tensors[OPTIM_PREFIX + k] = v;
    metadata['adder.optim'] = JSON.stringify(sd.meta);
  }
  saveSafetensors(file, tensors, metadata);
}

/** A loaded checkpoint: the model's tensors, optimiser tensors and metadata, and the run state if present. */
export interface LoadedCheckpoint {
  model: Record<string, NDArray>;
  optim: { tensors: Record<string, NDArray>; meta: OptimizerStateMeta } | null;
  state: RunState | null;
  metadata: Record<string, string>;
}

/** Reads a checkpoint written by saveCheckpoint (or any safetensors state dict: optim/state are then null). */
export function loadCheckpoint(file: string): LoadedCheckpoint {
  const { tensors, metadata } = loadSafetensors(file);
  const model: Record<string, NDArray> = {};
  const optimTensors: Record<string, NDArray> = {};
  for (const [k, v] of Object.entries(tensors)) {
    if (k.startsWith(OPTIM_PREFIX)) optimTensors[k.slice(OPTIM_PREFIX.length)] = v;
    else model[k] = v;
  }
  const optimMeta = metadata['adder.optim'];
  const runState = metadata['adder.train'];
  return {
    model,
    optim: optimMeta ? { tensors: optimTensors, meta: parseMetadataJson(file, 'adder.optim', optimMeta) as OptimizerStateMeta } : null,
    state: runState ? (parseMetadataJson(file, 'adder.train', runState) as RunState) : null,
    metadata,
  };
}

/** A checkpoint whose run or optimiser metadata cannot be read; the message names the file and the key. */
export class CheckpointMetadataError extends CliError {
  constructor(file: string, key: string, problem: string) {
    super('format', `checkpoint ${file}: metadata '${key}' is not valid JSON (${problem})`);
    this.name = 'CheckpointMetadataError';
  }
}

function parseMetadataJson(file: string, key: string, raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch (e) {
    throw new CheckpointMetadataError(file, key, (e as Error).message);
  }
}
