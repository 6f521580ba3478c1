// @adder/data: dataset readers (CIFAR-10/100, IDX), the bundled Fashion-MNIST sample, transforms and the DataLoader.
export { DataError } from './errors';
export { ImageDataset, padImages, type Dataset, type Sample } from './dataset';
export { isGzip, gunzipChecked, readMaybeGzip } from './files';
export { parseIdx, loadIdxPair, loadFashionMnist, idxFileNames, IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, FASHION_MNIST_CLASSES, DEBIAN_FASHION_MNIST_DIR, type IdxArray, type IdxLoadOptions, type Split } from './idx';
export { encodeIdx } from './idxWrite';
export { loadSample, SAMPLE_DIR } from './sample';
export { CIFAR_IMAGE_BYTES, parseCifarBinary, parseClassNames, concatRecords, type CifarRecords } from './cifarBinary';
export { loadCifar10, loadCifar100, downloadAndExtract, extractAtomically, CIFAR_ARCHIVES, CIFAR10_CLASSES, type CifarArchive, type CifarOptions } from './cifar';
export { loadCifar10Pickled } from './cifarPickle';
export { readTarGzMembers, concatBytes } from './tarball';
export { downloadFile, md5OfFile, NetworkError, type DownloadOptions } from './download';
export { createProgressBar, type ProgressSink } from './progress';
