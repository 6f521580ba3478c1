// Bad checkpoint files: each gives a CheckpointError that names the file and the problem, never a partial record.
import { describe, expect, it } from 'vitest';
import { CheckpointError, crc32, loadTorchCheckpoint } from '../src/torch-checkpoint';
import { fixture, fixtureBytes } from './pickle-fixtures';

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Expects loadTorchCheckpoint(file) to throw a CheckpointError naming the file and matching `problem`. */
function expectRefused(file: string, problem: RegExp): void {
  let err: unknown;
  try {
    loadTorchCheckpoint(fixture(file));
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(CheckpointError);
  expect((err as Error).message).toMatch(new RegExp(`^loadTorchCheckpoint ${escape(fixture(file))}: `));
  expect((err as Error).message).toMatch(problem);
}

/** Locates a zip entry by walking the central directory (a test-side walk, independent of zip.ts). */
function findEntry(zip: Uint8Array, suffix: string): { view: DataView; central: number; local: number; start: number; size: number } {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  let eocd = zip.length - 22;
  while (view.getUint32(eocd, true) !== 0x06054b50) eocd--;
  let p = view.getUint32(eocd + 16, true);
  for (let i = 0; i < view.getUint16(eocd + 10, true); i++) {
    const nameLen = view.getUint16(p + 28, true);
    const name = Buffer.from(zip.subarray(p + 46, p + 46 + nameLen)).toString();
    if (name.endsWith(suffix)) {
      const local = view.getUint32(p + 42, true);
      const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
      return { view, central: p, local, start, size: view.getUint32(p + 24, true) };
    }
    p += 46 + nameLen + view.getUint16(p + 30, true) + view.getUint16(p + 32, true);
  }
  throw new Error(`no entry ending in ${suffix}`);
}

describe('bad checkpoint files', () => {
  it('a zip truncated in the middle', () => {
    expectRefused('truncated_zip.pth', /no end-of-central-directory record: the zip is truncated or corrupt/);
  });

  it('a legacy file truncated in the middle', () => {
    const size = fixtureBytes('truncated_legacy.pth').length;
    expectRefused('truncated_legacy.pth', new RegExp(`truncated: .* but the data ends at byte ${size}`));
  });

  it('every cut of a legacy file and of a zip file is refused with a CheckpointError', () => {
    for (const name of ['basic_legacy.pth', 'basic_zip.pth']) {
      const full = fixtureBytes(name);
      for (let cut = 0; cut < full.length; cut += 13) {
        expect(() => loadTorchCheckpoint(full.subarray(0, cut), { name: `${name}@${cut}` }), `${name} cut at ${cut}`).toThrow(CheckpointError);
      }
    }
  });

  it('a storage whose zip entry is shorter than the storage', () => {
    expectRefused('short_storage_zip.pth', /storage entry short_storage_zip\/data\/0 has 8 bytes, but a FloatStorage of 8 elements needs 32/);
  });

  it('a tensor that reaches past the end of its storage', () => {
    expectRefused('tensor_past_storage_legacy.pth', /tensor 'w' \(size \[2,4\], stride \[4,1\], offset 0\) needs 8 elements but its FloatStorage 0 holds only 6/);
  });

  it('a zip without data.pkl', () => {
    expectRefused('no_data_pkl.pth', /zip archive without a <root>\/data\.pkl entry \(entries: archive\/version, archive\/data\/0\)/);
  });

  it('an int64 beyond the int32 range it loads as', () => {
    expectRefused('long_out_of_range_legacy.pth', /LongStorage \d+: element 1 is 1099511627776, outside the int32 range/);
  });

  it('an unknown opcode inside data.pkl', () => {
    // Replace the STOP of data.pkl, and patch its CRC so that the pickle reader is what refuses it.
    const zip = fixtureBytes('basic_zip.pth').slice();
    const e = findEntry(zip, '/data.pkl');
    zip[e.start + e.size - 1] = 0xfe;
    const crc = crc32(zip.subarray(e.start, e.start + e.size));
    e.view.setUint32(e.central + 16, crc, true);
    e.view.setUint32(e.local + 14, crc, true);
    expect(() => loadTorchCheckpoint(zip, { name: 'patched.pth' })).toThrow(/^loadTorchCheckpoint patched\.pth: unknown opcode 0xfe \(pickle byte \d+\)$/);
  });

  it('a corrupted storage byte fails the zip CRC check', () => {
    const zip = fixtureBytes('basic_zip.pth').slice();
    const e = findEntry(zip, '/data/0');
    zip[e.start + 1] = zip[e.start + 1]! ^ 0x55;
    expect(() => loadTorchCheckpoint(zip, { name: 'flipped.pth' })).toThrow(/^loadTorchCheckpoint flipped\.pth: entry basic_zip\/data\/0 fails its CRC-32 check/);
  });

  it('a file that is neither zip nor pickle, and a missing file', () => {
    expect(() => loadTorchCheckpoint(new Uint8Array([1, 2, 3, 4]), { name: 'junk.bin' })).toThrow(
      'loadTorchCheckpoint junk.bin: not a torch checkpoint: it starts with bytes 01 02 03 04, expected a zip (50 4b 03 04) or a pickle (80 02)',
    );
    expect(() => loadTorchCheckpoint(fixture('does-not-exist.pth'))).toThrow(/does-not-exist\.pth: cannot read the file/);
  });

  it('crc32 gives the catalogue check value for "123456789"', () => {
    expect(crc32(new Uint8Array(Buffer.from('123456789')))).toBe(0xcbf43926);
  });
});
