// Reads the model tensors of a checkpoint: our .safetensors (optimiser state ignored) or a PyTorch .pth.
import fs from 'node:fs';
import { stripStateDictPrefix } from '@adder/nn';
import { loadTorchCheckpoint } from '@adder/io';
import type { NDArray } from '@adder/tensor';
import { CheckpointMetadataError, type LoadedCheckpoint, loadCheckpoint } from '../checkpoint';
import { CliError } from '../cli/errors';

/** The model tensors of a checkpoint file and what was learnt while reading it. */
export interface CheckpointWeights {
  tensors: Record<string, NDArray>;
  format: 'safetensors' | 'torch';
  /** keys dropped because they hold optimiser state (`optim.*`) */
  ignoredOptimizerKeys: number;
  /** true when a DataParallel `module.` prefix was stripped */
  strippedModulePrefix: boolean;
  /** the training config stored in one of our checkpoints, if any */
  trainConfig: Record<string, unknown> | null;
}

/** An unreadable or unrecognised checkpoint file. */
export class CheckpointFileError extends CliError {
  constructor(file: string, problem: string) {
    super(/^(no such file|is a folder)/.test(problem) ? 'file' : 'format', `eval: ${file}: ${problem}`);
    this.name = 'CheckpointFileError';
  }
}

/** safetensors starts with a little-endian u64 header length and then the JSON header's '{'. */
function looksLikeSafetensors(head: Uint8Array): boolean {
  return head.length >= 9 && head[8] === 0x7b && head[6] === 0 && head[7] === 0;
}

/** Reads a checkpoint by content (not by extension) and strips a `module.` prefix when every key has one. */
export function readCheckpointWeights(file: string): CheckpointWeights {
  if (!fs.existsSync(file)) throw new CheckpointFileError(file, 'no such file');
  if (fs.statSync(file).isDirectory()) throw new CheckpointFileError(file, 'is a folder; pass a checkpoint file such as best.safetensors or last.safetensors');
  const head = new Uint8Array(16);
  const fd = fs.openSync(file, 'r');
  const n = fs.readSync(fd, head, 0, 16, 0);
  fs.closeSync(fd);
  let tensors: Record<string, NDArray>;
  let format: CheckpointWeights['format'];
  let ignoredOptimizerKeys = 0;
  let trainConfig: Record<string, unknown> | null = null;
  if (looksLikeSafetensors(head.subarray(0, n))) {
    let ck: LoadedCheckpoint;
    try {
      ck = loadCheckpoint(file);
    } catch (e) {
      if (e instanceof CheckpointMetadataError) throw new CheckpointFileError(file, e.message);
      throw e;
    }
    tensors = ck.model;
    format = 'safetensors';
    ignoredOptimizerKeys = ck.optim ? Object.keys(ck.optim.tensors).length : 0;
    const cfg = ck.state?.config;
    if (cfg !== null && typeof cfg === 'object') trainConfig = cfg as Record<string, unknown>;
  } else {
    // torch.save files: a zip archive ('PK') or the legacy pickle stream (0x80 protocol byte)
    if (!(head[0] === 0x50 && head[1] === 0x4b) && head[0] !== 0x80) {
      throw new CheckpointFileError(file, 'neither a safetensors file nor a PyTorch checkpoint (zip or legacy pickle)');
    }
    tensors = loadTorchCheckpoint(file);
    format = 'torch';
  }
  const keys = Object.keys(tensors);
  if (keys.length === 0) throw new CheckpointFileError(file, 'holds no model tensors');
  const strippedModulePrefix = keys.every((k) => k.startsWith('module.'));
  if (strippedModulePrefix) tensors = stripStateDictPrefix(tensors, 'module.');
  return { tensors, format, ignoredOptimizerKeys, strippedModulePrefix, trainConfig };
}
