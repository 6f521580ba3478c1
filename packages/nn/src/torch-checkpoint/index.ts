// The torch checkpoint reader's public surface.
export { loadTorchCheckpoint, type LoadTorchCheckpointOptions } from './load';
export { CheckpointError } from './errors';
export { readZipDirectory, ZipFormatError, type ZipEntry } from './zip';
export { crc32 } from './crc32';
