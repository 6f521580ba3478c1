// CIFAR-10 and CIFAR-100 loaders: an extracted folder, the official .tar.gz read in place, torchvision's pickled folder, or a download.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { x as extractTar } from 'tar';
import { ImageDataset } from './dataset';
import { concatRecords, parseCifarBinary, parseClassNames, type CifarRecords } from './cifarBinary';
import { loadCifar10Pickled } from './cifarPickle';
import { downloadFile, NetworkError } from './download';
import { DataError } from './errors';
import { readFileChecked } from './files';
import type { Split } from './idx';
import { readTarGzMembers } from './tarball';
import { DEFAULT_DATA_LIMITS, type DataLimits } from './limits';
import { ResourceLimitError } from '@adder/io';

/** An official CIFAR archive: its name, address, published MD5 and the folder it extracts to. */
export interface CifarArchive {
  file: string;
  url: string;
  md5: string;
  folder: string;
}

/** The official archives (https://www.cs.toronto.edu/~kriz/cifar.html), with the MD5s published there. */
export const CIFAR_ARCHIVES = {
  cifar10Binary: { file: 'cifar-10-binary.tar.gz', url: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz', md5: 'c32a1d4ab5d03f1284b67883e8d87530', folder: 'cifar-10-batches-bin' },
  cifar10Python: { file: 'cifar-10-python.tar.gz', url: 'https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz', md5: 'c58f30108f718f92721af3b95e74349a', folder: 'cifar-10-batches-py' },
  cifar100Binary: { file: 'cifar-100-binary.tar.gz', url: 'https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz', md5: '03b5dce01913d631647c71ecec9e9cb8', folder: 'cifar-100-binary' },
} as const satisfies Record<string, CifarArchive>;

/** Options of loadCifar10 / loadCifar100. */
export interface CifarOptions {
  /** The data folder: holds the extracted folder, the .tar.gz, or the files themselves. */
  root: string;
  split: Split;
  /** Download the official binary archive when nothing is found (default false). */
  download?: boolean;
  /** Show a progress bar while downloading (default true). */
  progress?: boolean;
  /** Override the archive's address and MD5 (tests use a local server). */
  archive?: Partial<CifarArchive>;
  /** CIFAR-100 only: which label `labels` holds (default 'fine'). */
  labelKind?: 'fine' | 'coarse';
  /** Accept files with another record count than the official one (10,000 per CIFAR-10 batch, 50,000 / 10,000 for CIFAR-100); default false. */
  allowPartial?: boolean;
  /** Resource limits on the archives (unset ones keep DEFAULT_DATA_LIMITS). */
  limits?: Partial<DataLimits>;
}

/** The ten CIFAR-10 class names, as in batches.meta.txt. */
export const CIFAR10_CLASSES: readonly string[] = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

interface CifarLayout {
  name: string;
  archive: CifarArchive;
  pythonArchive: CifarArchive | null;
  files: (split: Split) => string[];
  /** The official record count of each file of a split. */
  records: (split: Split) => number;
  namesFile: string;
  labelBytes: 1 | 2;
  numClasses: number;
}

const CIFAR10: CifarLayout = {
  name: 'CIFAR-10',
  archive: CIFAR_ARCHIVES.cifar10Binary,
  pythonArchive: CIFAR_ARCHIVES.cifar10Python,
  files: (split) => (split === 'train' ? [1, 2, 3, 4, 5].map((k) => `data_batch_${k}.bin`) : ['test_batch.bin']),
  records: () => 10_000,
  namesFile: 'batches.meta.txt',
  labelBytes: 1,
  numClasses: 10,
};

const CIFAR100: CifarLayout = {
  name: 'CIFAR-100',
  archive: CIFAR_ARCHIVES.cifar100Binary,
  pythonArchive: null,
  files: (split) => [split === 'train' ? 'train.bin' : 'test.bin'],
  records: (split) => (split === 'train' ? 50_000 : 10_000),
  namesFile: 'fine_label_names.txt',
  labelBytes: 2,
  numClasses: 100,
};

/** Loads a CIFAR-10 split (50,000 or 10,000 images of 3x32x32), downloading the archive first when asked. */
export function loadCifar10(options: CifarOptions): Promise<ImageDataset> {
  return loadCifar(CIFAR10, options);
}

/** Loads a CIFAR-100 split; labels are the fine labels unless `labelKind: 'coarse'`. */
export function loadCifar100(options: CifarOptions): Promise<ImageDataset> {
  return loadCifar(CIFAR100, options);
}

/** Reads named files from one place: an extracted folder or the members of an archive. */
type FileReader = (name: string) => { bytes: Uint8Array; source: string };

async function loadCifar(layout: CifarLayout, options: CifarOptions): Promise<ImageDataset> {
  const { root, split } = options;
  const archive: CifarArchive = { ...layout.archive, ...options.archive };
  const wanted = [...layout.files(split), layout.namesFile, ...(layout.labelBytes === 2 ? ['coarse_label_names.txt'] : [])];
  const folder = [join(root, archive.folder), root].find((dir) => wanted.every((f) => existsSync(join(dir, f))));
  if (folder) return build(layout, options, (name) => ({ bytes: readFileChecked(join(folder, name)), source: join(folder, name) }));
  const tarGz = join(root, archive.file);
  if (existsSync(tarGz)) return build(layout, options, await archiveReader(tarGz, archive.folder, wanted, options.limits));
  if (layout.pythonArchive) {
    const py = layout.pythonArchive;
    const pyFolder = [join(root, py.folder), root].find((dir) => existsSync(join(dir, 'batches.meta')) && existsSync(join(dir, 'test_batch')));
    const pyOptions = { allowPartial: options.allowPartial ?? false, limits: options.limits };
    if (pyFolder) return loadCifar10Pickled(pyFolder, split, pyOptions);
    if (existsSync(join(root, py.file))) return loadCifar10Pickled(join(root, py.file), split, pyOptions);
  }
  if (!options.download) throw missingError(layout, archive, root, 'download was not requested', wanted);
  try {
    await downloadAndExtract(archive, root, options.progress ?? true);
  } catch (e) {
    if (e instanceof NetworkError) throw missingError(layout, archive, root, e.message, wanted);
    throw e;
  }
  const extracted = join(root, archive.folder);
  return build(layout, options, (name) => ({ bytes: readFileChecked(join(extracted, name)), source: join(extracted, name) }));
}

function build(layout: CifarLayout, options: CifarOptions, read: FileReader): ImageDataset {
  const parts: CifarRecords[] = layout.files(options.split).map((name) => {
    const { bytes, source } = read(name);
    return parseCifarBinary(bytes, source, layout.labelBytes, layout.numClasses, 20, options.allowPartial ? undefined : layout.records(options.split));
  });
  const records = concatRecords(parts);
  const namesOf = (file: string, count: number): string[] => {
    const { bytes, source } = read(file);
    return parseClassNames(new TextDecoder().decode(bytes), source, count);
  };
  if (layout.labelBytes === 2 && options.labelKind === 'coarse') {
    return new ImageDataset(records.pixels, records.coarse!, 3, 32, 32, namesOf('coarse_label_names.txt', 20));
  }
  return new ImageDataset(records.pixels, records.labels, 3, 32, 32, namesOf(layout.namesFile, layout.numClasses));
}

async function archiveReader(file: string, folder: string, wanted: readonly string[], limits?: Partial<DataLimits>): Promise<FileReader> {
  const members = await readTarGzMembers(file, (path) => wanted.some((w) => path === `${folder}/${w}` || path === w || path === `./${folder}/${w}`), limits);
  const byName = new Map<string, Uint8Array>();
  for (const [path, bytes] of members) byName.set(path.slice(path.lastIndexOf('/') + 1), bytes);
  return (name) => {
    const bytes = byName.get(name);
    if (!bytes) throw new DataError(file, `expected a member ${folder}/${name} in the archive, found none`);
    return { bytes, source: `${file}:${folder}/${name}` };
  };
}

/** Downloads `archive` into `root` (MD5-verified) and extracts it atomically: into a temporary folder, then one rename. */
export async function downloadAndExtract(archive: CifarArchive, root: string, progress = true): Promise<string> {
  mkdirSync(root, { recursive: true });
  const tarGz = join(root, archive.file);
  if (!existsSync(tarGz)) await downloadFile({ url: archive.url, dest: tarGz, md5: archive.md5, progress });
  return extractAtomically(tarGz, root, archive.folder);
}

/**
 * Extracts `tarGz` into `root/.extract-*`, checks that it made `folder`, then renames it to `root/folder`. The
 * members' sizes may add up to at most maxDecompressedBytes: beyond it nothing more is written and the
 * extraction is refused, so a small archive cannot fill the disk.
 */
export async function extractAtomically(tarGz: string, root: string, folder: string, limits: Partial<DataLimits> = {}): Promise<string> {
  const maxBytes = limits.maxDecompressedBytes ?? DEFAULT_DATA_LIMITS.maxDecompressedBytes;
  // Leftovers of an extraction that was killed are never read; clear them before starting anew.
  for (const name of readdirSync(root)) if (name.startsWith(`.extract-${folder}-`)) rmSync(join(root, name), { recursive: true, force: true });
  const tmp = join(root, `.extract-${folder}-${process.pid}-${Date.now()}`);
  mkdirSync(tmp, { recursive: true });
  try {
    try {
      let total = 0;
      let over: string | null = null;
      await extractTar({
        file: tarGz,
        cwd: tmp,
        strict: true,
        // the size each member's header declares is what tar writes for it: refuse once they add up to too much
        filter: (path, entry) => {
          if (over === null) {
            total += 'size' in entry && typeof entry.size === 'number' ? entry.size : 0;
            if (total > maxBytes) over = path;
          }
          return over === null;
        },
      });
      if (over !== null) throw new ResourceLimitError(tarGz, over, 'maxDecompressedBytes', maxBytes, `the members up to this one hold ${total} bytes`);
    } catch (e) {
      if (e instanceof ResourceLimitError) throw e;
      throw new DataError(tarGz, `expected a valid .tar.gz, found an error while extracting: ${e instanceof Error ? e.message : String(e)}`);
    }
    const made = join(tmp, folder);
    if (!existsSync(made)) throw new DataError(tarGz, `expected the archive to hold a folder ${folder}, found ${readdirSync(tmp).join(', ') || 'nothing'}`);
    const final = join(root, folder);
    if (existsSync(final)) rmSync(final, { recursive: true, force: true });
    renameSync(made, final);
    return final;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function missingError(layout: CifarLayout, archive: CifarArchive, root: string, why: string, wanted: readonly string[]): DataError {
  const folder = join(root, archive.folder);
  const missing = existsSync(folder) ? wanted.filter((f) => !existsSync(join(folder, f))) : [];
  const found = missing.length > 0 ? `found ${folder} without ${missing.join(', ')}` : 'found none';
  return new DataError(
    root,
    `expected ${layout.name} here (a folder ${archive.folder}/ or the archive ${archive.file}), ${found} (${why}). ` +
      `To install it by hand, download ${archive.url} (MD5 ${archive.md5}) and put it in ${root}, extracted or not. ` +
      `Offline alternatives: the bundled Fashion-MNIST sample (loadSample, --dataset sample) or the full Fashion-MNIST ` +
      `(apt-get install dataset-fashion-mnist, then loadFashionMnist / --dataset fashion-mnist).`,
  );
}
