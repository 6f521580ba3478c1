// extractAtomically writes at most maxDecompressedBytes of members: a larger archive is refused by name, and
// nothing of it is left in the target folder.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { c as createTar } from 'tar';
import { afterAll, describe, expect, it } from 'vitest';
import { ResourceLimitError, extractAtomically } from '../src/index';

const dir = mkdtempSync(join(tmpdir(), 'adder-extract-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A .tar.gz holding folder/a.bin and folder/b.bin of `bytes` bytes each. */
async function archive(bytes: number): Promise<string> {
  const src = join(dir, `src-${bytes}`);
  mkdirSync(join(src, 'folder'), { recursive: true });
  writeFileSync(join(src, 'folder', 'a.bin'), new Uint8Array(bytes).fill(1));
  writeFileSync(join(src, 'folder', 'b.bin'), new Uint8Array(bytes).fill(2));
  const file = join(dir, `a-${bytes}.tar.gz`);
  await createTar({ gzip: true, file, cwd: src }, ['folder']);
  return file;
}

describe('extractAtomically under maxDecompressedBytes', () => {
  it('extracts an archive within the limit', async () => {
    const root = join(dir, 'ok');
    mkdirSync(root);
    const out = await extractAtomically(await archive(3000), root, 'folder', { maxDecompressedBytes: 6000 });
    expect(readFileSync(join(out, 'b.bin'))).toEqual(Buffer.from(new Uint8Array(3000).fill(2)));
  });

  it('refuses an archive whose members add up to more, naming the file, the member and the limit, and leaves nothing', async () => {
    const root = join(dir, 'big');
    mkdirSync(root);
    const file = await archive(4000);
    const err = await extractAtomically(file, root, 'folder', { maxDecompressedBytes: 6000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResourceLimitError);
    expect((err as Error).message).toMatch(/a-4000\.tar\.gz: folder\/b\.bin: the members up to this one hold 8000 bytes, over the limit maxDecompressedBytes = 6000/);
    expect(existsSync(join(root, 'folder'))).toBe(false);
    expect(readdirSync(root)).toEqual([]);
  });
});
