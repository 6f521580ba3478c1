// The data readers' resource limits (docs/interop.md lists the defaults); refusals throw @adder/io's ResourceLimitError.

/** Limits of the dataset readers on untrusted files. */
export interface DataLimits {
  /** Most bytes a gzip stream (an IDX .gz, a CIFAR .tar.gz) may inflate to, whatever its header or trailer says. */
  maxDecompressedBytes: number;
}

/** 1 GiB: the largest real input, CIFAR-100's tar, is 185 MB; Fashion-MNIST's largest IDX file 47 MB. */
export const DEFAULT_DATA_LIMITS: Readonly<DataLimits> = Object.freeze({ maxDecompressedBytes: 1 << 30 });
