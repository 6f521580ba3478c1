// `adder convert IN.safetensors|IN.pth OUT.pth`: writes a state dict as a torch.save zip checkpoint that PyTorch
// loads with torch.load(f, weights_only=True) and load_state_dict(strict=True).
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { NDArray } from '@adder/tensor';
import { CheckpointError, SafetensorsError, TorchSaveError, readTorchCheckpoint, saveTorchCheckpoint } from '@adder/io';
import { CheckpointMetadataError, loadCheckpoint } from './checkpoint';

export const TO_PTH_USAGE = `usage: adder convert IN.safetensors OUT.pth   (or IN.pth OUT.pth)
  writes the tensors as a torch.save zip checkpoint (an OrderedDict state dict, torch 1.13's layout) that
  torch.load(OUT, weights_only=True) reads. I64 safetensors and int64 .pth tensors stay int64 (as int32 values in between).
  From a training checkpoint (adder train's last/best.safetensors) only the model's state dict is written: the
  optimiser tensors (optim.*) are left out, and the command says how many.`;

/** The names of the I64 tensors of a safetensors file, read from its JSON header (the tensors themselves load as int32). */
function safetensorsInt64Keys(path: string): string[] {
  const bytes = readFileSync(path);
  const len = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + len).toString('utf8')) as Record<string, { dtype?: string }>;
  return Object.keys(header).filter((k) => k !== '__metadata__' && header[k]!.dtype === 'I64');
}

/** The state dict of IN, which of its tensors are int64 in the file, and how many optimiser tensors were left out. */
function readStateDict(input: string): { tensors: Record<string, NDArray>; int64Keys: string[]; optimLeftOut: number } {
  if (input.endsWith('.safetensors')) {
    // validates the whole file before the header is read again below; a training checkpoint's optim.* go apart
    const { model, optim } = loadCheckpoint(input);
    const int64Keys = safetensorsInt64Keys(input).filter((k) => Object.hasOwn(model, k));
    return { tensors: model, int64Keys, optimLeftOut: optim === null ? 0 : Object.keys(optim.tensors).length };
  }
  const { tensors, storageTypes } = readTorchCheckpoint(input);
  return { tensors, int64Keys: Object.keys(storageTypes).filter((k) => storageTypes[k] === 'Long'), optimLeftOut: 0 };
}

/** Converts IN (.safetensors or .pth) to OUT.pth with paths resolved against `cwd`; returns the exit code. */
export function runConvertToPth(input: string, output: string, cwd: string, log: (line: string) => void = console.log, error: (line: string) => void = console.error): number {
  if (!/\.(safetensors|pth|pt)$/.test(input)) {
    error(`convert: expected IN to end in .safetensors, .pth or .pt, found '${input}'\n${TO_PTH_USAGE}`);
    return 2;
  }
  const from = resolve(cwd, input);
  const to = resolve(cwd, output);
  try {
    const { tensors, int64Keys, optimLeftOut } = readStateDict(from);
    saveTorchCheckpoint(to, tensors, { int64Keys });
    const left = optimLeftOut > 0 ? `; left out the training checkpoint's ${optimLeftOut} optimiser tensors (optim.*)` : '';
    log(`convert: wrote ${Object.keys(tensors).length} tensors (${int64Keys.length} as int64) from ${basename(from)} to ${to} (torch.save zip format)${left}`);
    return 0;
  } catch (e) {
    if (e instanceof SafetensorsError || e instanceof CheckpointError || e instanceof TorchSaveError || e instanceof CheckpointMetadataError) {
      error(e.message);
      return 1;
    }
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      error(`convert: cannot read ${from}: no such file`);
      return 1;
    }
    throw e;
  }
}
