// pnpm convert: a torch checkpoint becomes safetensors with torch's values, int64 tensors written as I64.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSafetensors } from '@adder/io';
import { runConvert } from '../src/convert';

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(here, '..', '..', '..');
const PTH = join(ROOT, 'fixtures', 'pth');
interface Expected { shape: number[]; dtype: string; values: number[] }
const EXPECTED = JSON.parse(readFileSync(join(PTH, 'expected.json'), 'utf8')) as { files: Record<string, Record<string, Expected>> };
const tmp = mkdtempSync(join(tmpdir(), 'adder-convert-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The safetensors JSON header, parsed here by hand (u64 LE length, then JSON). */
function header(path: string): Record<string, { dtype: string; shape: number[] }> {
  const b = readFileSync(path);
  const n = Number(b.readBigUInt64LE(0));
  return JSON.parse(b.subarray(8, 8 + n).toString('utf8')) as Record<string, { dtype: string; shape: number[] }>;
}

const FILE_DTYPE: Record<string, string> = { float32: 'F32', float64: 'F64', float16: 'F32', int64: 'I64', int32: 'I32', uint8: 'U8', bool: 'U8' };

describe('pnpm convert', () => {
  it('writes every tensor of a torch file with its values, int64 as I64', () => {
    const out = join(tmp, 'basic.safetensors');
    const lines: string[] = [];
    expect(runConvert([join(PTH, 'basic_legacy.pth'), out], tmp, (l) => lines.push(l))).toBe(0);
    expect(lines.join('\n')).toMatch(/wrote 11 tensors \(2 as I64\)/);
    const expected = EXPECTED.files['basic_legacy.pth']!;
    const h = header(out);
    const { tensors } = loadSafetensors(out);
    for (const [k, e] of Object.entries(expected)) {
      expect(h[k]!.dtype, k).toBe(FILE_DTYPE[e.dtype]);
      expect(h[k]!.shape, k).toEqual(e.shape);
      expect(Array.from(tensors[k]!.contiguous().data), k).toEqual(e.values);
    }
  });

  it('strips a prefix on request and reads a whole pickled model with a listed class', () => {
    const out = join(tmp, 'module.safetensors');
    const argv = [join(PTH, 'module_zip.pth'), out, '--inert-class', '__main__.TinyAdder'];
    expect(runConvert(argv, tmp, () => {})).toBe(0);
    expect(Object.keys(header(out)).filter((k) => k !== '__metadata__').sort()).toEqual(Object.keys(EXPECTED.files['module_zip.pth']!).sort());
    const out2 = join(tmp, 'prefixed.safetensors');
    expect(runConvert([join(PTH, 'prefixed_legacy.pth'), out2, '--strip-prefix', 'module.'], tmp, () => {})).toBe(0);
    const h = header(out2);
    expect(h['1.num_batches_tracked']!.dtype).toBe('I64');
    expect(Object.keys(h).some((k) => k.startsWith('module.'))).toBe(false);
  });

  it('reports bad input and bad usage with a non-zero exit code', () => {
    const errors: string[] = [];
    expect(runConvert([join(PTH, 'truncated_zip.pth'), join(tmp, 'x.safetensors')], tmp, () => {}, (l) => errors.push(l))).toBe(4); // format
    expect(errors[0]).toMatch(/truncated_zip\.pth: no end-of-central-directory record/);
    expect(runConvert(['only-one.pth'], tmp, () => {}, (l) => errors.push(l))).toBe(2);
    expect(errors[1]).toMatch(/expected IN\.pth and OUT\.safetensors, got 1 path/);
  });

  it('runs as a command, resolving relative paths against INIT_CWD', () => {
    copyFileSync(join(PTH, 'basic_zip.pth'), join(tmp, 'in.pth'));
    const stdout = execFileSync(join(ROOT, 'node_modules', '.bin', 'tsx'), ['src/convert.ts', 'in.pth', 'cli.safetensors'], {
      cwd: join(ROOT, 'apps', 'train'),
      env: { ...process.env, INIT_CWD: tmp },
      encoding: 'utf8',
    });
    expect(stdout).toMatch(/wrote 11 tensors/);
    expect(header(join(tmp, 'cli.safetensors'))['count']!.dtype).toBe('I64');
  });
});
