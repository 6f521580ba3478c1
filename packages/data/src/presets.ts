// The reference recipe's transform presets (CIFAR-10, from ADDERNET.md) and the matching Fashion-MNIST ones.
import { compose, normalize, padTo, randomCrop, randomHorizontalFlip, toTensor, type BatchTransform } from './transforms';

/** CIFAR-10 per-channel mean, as in the reference main.py. */
export const CIFAR10_MEAN: readonly number[] = [0.4914, 0.4822, 0.4465];
/** CIFAR-10 per-channel std, as in the reference main.py. */
export const CIFAR10_STD: readonly number[] = [0.2023, 0.1994, 0.201];
/** Fashion-MNIST mean. */
export const FASHION_MNIST_MEAN: readonly number[] = [0.286];
/** Fashion-MNIST std. */
export const FASHION_MNIST_STD: readonly number[] = [0.353];

/** CIFAR-10 training: RandomCrop(32, padding 4), RandomHorizontalFlip, ToTensor, Normalize. */
export function cifar10Train(): BatchTransform {
  return compose(randomCrop(32, 4), randomHorizontalFlip(0.5), toTensor(), normalize(CIFAR10_MEAN, CIFAR10_STD));
}

/** CIFAR-10 test: ToTensor, Normalize. */
export function cifar10Test(): BatchTransform {
  return compose(toTensor(), normalize(CIFAR10_MEAN, CIFAR10_STD));
}

/** Fashion-MNIST training: pad to 32x32, a random crop back to 32x32 (and a flip), Fashion-MNIST's mean and std. */
export function fashionMnistTrain(augment: FashionMnistAugment = 'crop-flip'): BatchTransform {
  const shift = augment === 'none' ? [] : [randomCrop(32, augment === 'crop2' ? 2 : 4)];
  const flip = augment === 'crop-flip' ? [randomHorizontalFlip(0.5)] : [];
  return compose(padTo(32), ...shift, ...flip, toTensor(), normalize(FASHION_MNIST_MEAN, FASHION_MNIST_STD));
}

/** Fashion-MNIST training augmentations: random 32x32 crop of the padded image (shift up to 4 or 2 pixels), with or without a horizontal flip, or none. */
export type FashionMnistAugment = 'crop-flip' | 'crop' | 'crop2' | 'none';

/** Fashion-MNIST test: pad to 32x32, ToTensor, Normalize. */
export function fashionMnistTest(): BatchTransform {
  return compose(padTo(32), toTensor(), normalize(FASHION_MNIST_MEAN, FASHION_MNIST_STD));
}
