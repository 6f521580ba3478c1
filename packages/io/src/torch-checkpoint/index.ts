// The torch checkpoint reader's public surface.
export { loadTorchCheckpoint, readTorchCheckpoint, type LoadTorchCheckpointOptions, type TorchCheckpointContent } from './load';
export { CheckpointError } from './errors';
export { readZipDirectory, ZipFormatError, type ZipEntry } from './zip';
export { crc32 } from './crc32';
