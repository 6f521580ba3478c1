// Generators of the bad inputs of issue 19: each takes a healthy run folder (or nothing) and writes one damaged,
// tampered or misplaced input into a folder of its own.
import fs from 'node:fs';
import path from 'node:path';
import { loadSafetensors, saveSafetensors } from '@adder/io';

/** The flags of the smallest real run: a CNN ResNet-20 on 4 synthetic images, one step, one epoch. */
export const TINY_RUN = ['--dataset', 'synthetic', '--kind', 'cnn', '--subset', '4', '--eval-subset', '4', '--batch-size', '4', '--epochs', '1', '--bn-recalib', '0', '--threads', '1'];

/** Copies a run folder to `dest` (a fresh copy per case, so that cases cannot disturb one another). */
export function copyRun(run: string, dest: string): string {
  fs.cpSync(run, dest, { recursive: true });
  return dest;
}

/** Rewrites the 'adder.train' metadata of a checkpoint through `edit`. */
export function tamperRunState(file: string, edit: (state: Record<string, unknown>) => void): void {
  const { tensors, metadata } = loadSafetensors(file);
  const state = JSON.parse(metadata['adder.train']!) as Record<string, unknown>;
  edit(state);
  saveSafetensors(file, tensors, { ...metadata, 'adder.train': JSON.stringify(state) });
}

/** Truncates a file to `keep` bytes (a download or a copy cut short). */
export function truncateFile(file: string, keep: number): void {
  fs.truncateSync(file, keep);
}

/** Overwrites bytes at `at` with `bytes` (a flipped header). */
export function overwriteBytes(file: string, at: number, bytes: number[]): void {
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, new Uint8Array(bytes), 0, bytes.length, at);
  fs.closeSync(fd);
}

/** Replaces line `index` (from 0) of a text file with `text`. */
export function replaceLine(file: string, index: number, text: string): void {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  lines[index] = text;
  fs.writeFileSync(file, lines.join('\n'));
}

/** Sets every value of one floating-point tensor of a checkpoint to NaN. */
export function poisonWeights(file: string, key: string): void {
  const { tensors, metadata } = loadSafetensors(file);
  (tensors[key]!.data as Float32Array).fill(Number.NaN);
  saveSafetensors(file, tensors, metadata);
}

/** Writes a metrics.jsonl with three valid lines and a damaged middle one. */
export function metricsWithDamagedMiddle(file: string): void {
  const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
  const good = lines[0]!;
  fs.writeFileSync(file, `${good}\n{"type":"step","epo\n${good}\n`);
}

/** The path of `name` under `dir`, with its folder created. */
export function under(dir: string, ...name: string[]): string {
  const p = path.join(dir, ...name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  return p;
}
