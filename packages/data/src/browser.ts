// @adder/data in a browser (the "browser" condition of this package's exports): the parsers, datasets, transforms
// and batches, which work on bytes. Reading folders, downloading and the prefetching DataLoader need Node (index.ts).
export { DataError } from './errors';
export { ImageDataset, padImages, type Dataset, type Sample, type ImageDatasetData } from './dataset';
export { parseIdx, idxPairToDataset, IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, FASHION_MNIST_CLASSES, type IdxArray, type IdxLoadOptions } from './idx-format';
export { encodeIdx } from './idxWrite';
export { CIFAR_IMAGE_BYTES, parseCifarBinary, parseClassNames, concatRecords, type CifarRecords } from './cifarBinary';
export { syntheticDataset, type SyntheticOptions } from './synthetic';
export { sampleSeed, seedFor, epochGenerator, SALT } from './seeding';
export { toTensor, normalize, pad, padTo, randomCrop, randomHorizontalFlip, compose, buildTransform, type ImageBatch, type TransformContext, type TransformSpec, type BatchTransform } from './transforms';
export { cifar10Train, cifar10Test, fashionMnistTrain, fashionMnistTest, CIFAR10_MEAN, CIFAR10_STD, FASHION_MNIST_MEAN, FASHION_MNIST_STD, type FashionMnistAugment } from './presets';
export { assembleBatch, type RawBatch } from './batch';
