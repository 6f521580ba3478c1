// A training session: one model (AdderNet or its CNN twin) on the Fashion-MNIST sample, stepped one batch at a time.
// The same code runs in the page's engine worker and in Node (the bit-identity test and the measurement script).
import { Adder2d, adderBackwardWeightRaw } from '@adder/addernet';
import { fromNDArray, noGrad, softmax, type Tensor } from '@adder/autograd';
import { assembleBatch, fashionMnistTest, idxPairToDataset, type IdxArray, type ImageDataset } from '@adder/data';
import { decodeSafetensors, encodeSafetensors, loadTorchCheckpoint } from '@adder/io';
import { crossEntropy, SGD, type Module } from '@adder/nn';
import { Generator, fromArray, permutation, type NDArray as NDArrayType } from '@adder/tensor';
import type { NetworkKind } from '@adder/addernet';
import { buildModel, type ArchitectureName, type PlaygroundModel } from './models';

/** The bytes of the sample, parsed: images and labels of both splits. */
export interface SampleArrays {
  trainImages: IdxArray;
  trainLabels: IdxArray;
  testImages: IdxArray;
  testLabels: IdxArray;
}

/** The hyperparameters the page can change between steps. */
export interface Hyper {
  lr: number;
  momentum: number;
  eta: number;
  batchSize: number;
}

/** What a session is built from. */
export interface SessionSpec extends Hyper {
  architecture: ArchitectureName;
  kind: NetworkKind;
  seed: number;
  /** 1 (default), or 3 for a CIFAR checkpoint such as the official ResNet-20: the grey image is repeated on 3 channels. */
  inChannels?: number;
}

/** Reads a .safetensors or PyTorch .pth checkpoint (bytes) into named arrays; `name` picks the format by its extension. */
export function readCheckpoint(bytes: Uint8Array, name: string): Record<string, NDArrayType> {
  return name.endsWith('.safetensors') ? decodeSafetensors(bytes, name).tensors : loadTorchCheckpoint(bytes, { name, stripPrefix: 'module.' });
}

/** One step's numbers. */
export interface StepRecord {
  step: number;
  loss: number;
  trainAccuracy: number;
  imagesPerSecond: number;
  lr: number;
}

/** Per adder layer: ||dW|| before and after eq. 13's scaling, and the share of dX terms the HardTanh clip changes. */
export interface AdderLayerStats {
  name: string;
  rawNorm: number;
  scaledNorm: number;
  clipShare: number;
}

const transform = fashionMnistTest(); // pad to 32x32, ToTensor, Normalize (no augmentation: every step is reproducible)

function l2(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * a[i]!;
  return Math.sqrt(s);
}

/** The share of (co, k, l) terms of image 0 where |W_col - X_col| > 1, i.e. where clamp(W - X, -1, 1) differs from W - X. */
function clipShare(x: NDArrayType, w: NDArrayType, stride: number, padding: number): number {
  const [, cin, h, wd] = x.shape as [number, number, number, number];
  const [cout, , k] = w.shape as [number, number, number, number];
  const xs = x.contiguous().toTyped();
  const ws = w.contiguous().toTyped();
  const ho = Math.floor((h + 2 * padding - k) / stride) + 1;
  const wo = Math.floor((wd + 2 * padding - k) / stride) + 1;
  let clipped = 0;
  let total = 0;
  for (let oy = 0; oy < ho; oy++) {
    for (let ox = 0; ox < wo; ox++) {
      for (let c = 0; c < cin; c++) {
        for (let ky = 0; ky < k; ky++) {
          for (let kx = 0; kx < k; kx++) {
            const iy = oy * stride + ky - padding;
            const ix = ox * stride + kx - padding;
            const xv = iy >= 0 && iy < h && ix >= 0 && ix < wd ? xs[(c * h + iy) * wd + ix]! : 0;
            for (let co = 0; co < cout; co++) {
              if (Math.abs(ws[((co * cin + c) * k + ky) * k + kx]! - xv) > 1) clipped++;
              total++;
            }
          }
        }
      }
    }
  }
  return clipped / total;
}

export class TrainingSession {
  readonly model: PlaygroundModel;
  readonly train: ImageDataset;
  readonly test: ImageDataset;
  readonly optimizer: SGD;
  readonly spec: SessionSpec;
  private hyper: Hyper;
  private pending: Partial<Hyper> = {};
  private order: Int32Array = new Int32Array(0);
  private cursor = 0;
  private epoch = 0;
  private stepCount = 0;
  private readonly shuffle: Generator;
  /** The last step's input and output of every adder layer (for adderStats). */
  private readonly adderIO = new Map<Adder2d, { x: Tensor; y: Tensor }>();

  constructor(spec: SessionSpec, sample: SampleArrays) {
    this.spec = spec;
    this.hyper = { lr: spec.lr, momentum: spec.momentum, eta: spec.eta, batchSize: spec.batchSize };
    this.train = idxPairToDataset(sample.trainImages, sample.trainLabels, 'train-images', 'train-labels');
    this.test = idxPairToDataset(sample.testImages, sample.testLabels, 't10k-images', 't10k-labels');
    this.model = buildModel(spec.architecture, spec.kind, spec.seed, spec.eta, spec.inChannels ?? 1);
    this.optimizer = new SGD(this.model.module.parameters(), { lr: spec.lr, momentum: spec.momentum });
    this.shuffle = new Generator(spec.seed + 1);
    for (const [, m] of this.model.module.namedModules()) {
      if (!(m instanceof Adder2d)) continue;
      m.registerForwardHook((_mod, x, y) => {
        if (y.requiresGrad) {
          y.retainGrad();
          this.adderIO.set(m, { x, y });
        }
      });
    }
  }

  /** The model's input for images (N, 1, H, W): as is, or repeated on inChannels channels. */
  private input(images: Float32Array, shape: readonly number[]): Tensor {
    const x = fromNDArray(fromArray(images, shape));
    const c = this.spec.inChannels ?? 1;
    return c === 1 ? x : x.expand([shape[0]!, c, shape[2]!, shape[3]!]).contiguous();
  }

  get module(): Module {
    return this.model.module;
  }

  /** Steps taken so far. */
  get steps(): number {
    return this.stepCount;
  }

  /** The hyperparameters in force. */
  get current(): Hyper {
    return { ...this.hyper };
  }

  /** Queues changes; they apply at the start of the next step (and that step is marked on the page's charts). */
  setHyper(change: Partial<Hyper>): void {
    this.pending = { ...this.pending, ...change };
  }

  private applyPending(): void {
    const p = this.pending;
    this.pending = {};
    this.hyper = { ...this.hyper, ...p };
    for (const g of this.optimizer.paramGroups) {
      g.lr = this.hyper.lr;
      g.momentum = this.hyper.momentum;
    }
    for (const [, m] of this.model.module.namedModules()) if (m instanceof Adder2d) m.eta = this.hyper.eta;
  }

  private nextIndices(n: number): Int32Array {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      if (this.cursor >= this.order.length) {
        this.order = permutation(this.train.length, { generator: this.shuffle }).toTyped() as Int32Array;
        this.cursor = 0;
        this.epoch++;
      }
      out[i] = this.order[this.cursor++]!;
    }
    return out;
  }

  /** One SGD step on the next batch: forward, cross-entropy, backward, update. */
  step(): StepRecord {
    this.applyPending();
    const t0 = performance.now();
    const batch = assembleBatch(this.train, this.nextIndices(this.hyper.batchSize), transform, this.spec.seed, this.epoch);
    const x = this.input(batch.images, batch.shape);
    const target = fromArray(batch.labels);
    this.module.train();
    this.adderIO.clear();
    const logits = this.module.call(x);
    const loss = crossEntropy(logits, target);
    const value = loss.item();
    this.module.zeroGrad();
    loss.backward();
    this.optimizer.step();
    const seconds = (performance.now() - t0) / 1000;
    this.stepCount++;
    return { step: this.stepCount, loss: value, trainAccuracy: accuracy(logits.data, batch.labels), imagesPerSecond: batch.labels.length / seconds, lr: this.hyper.lr };
  }

  /** Accuracy and the confusion matrix (rows: true class, columns: predicted) on the first `limit` test images. */
  evaluate(limit = this.test.length, batchSize = 100): { accuracy: number; confusion: number[][] } {
    const confusion = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
    let correct = 0;
    const n = Math.min(limit, this.test.length);
    this.module.eval();
    noGrad(() => {
      for (let start = 0; start < n; start += batchSize) {
        const idx = Int32Array.from({ length: Math.min(batchSize, n - start) }, (_, i) => start + i);
        const batch = assembleBatch(this.test, idx, transform, 0, 0);
        const logits = this.module.call(this.input(batch.images, batch.shape)).data.toTyped();
        for (let i = 0; i < idx.length; i++) {
          const p = argmax(logits, i * 10);
          confusion[batch.labels[i]!]![p]!++;
          if (p === batch.labels[i]) correct++;
        }
      }
    });
    this.module.train();
    return { accuracy: correct / n, confusion };
  }

  /** Per adder layer of the last step: raw and scaled ||dW||, and the clip share on its first image. */
  adderStats(): AdderLayerStats[] {
    const out: AdderLayerStats[] = [];
    for (const [name, m] of this.module.namedModules()) {
      if (!(m instanceof Adder2d)) continue;
      const io = this.adderIO.get(m);
      if (io === undefined || io.y.grad === null || m.adder.grad === null) continue;
      const raw = adderBackwardWeightRaw(io.x.data, m.adder.data, io.y.grad.data, m.stride, m.padding);
      const first = io.x.data.slice(0, 0, 1);
      out.push({ name, rawNorm: l2(raw.toTyped()), scaledNorm: l2(m.adder.grad.data.contiguous().toTyped()), clipShare: clipShare(first, m.adder.data, m.stride, m.padding) });
    }
    return out;
  }

  /** The first layer's filters (Cout, Cin, k, k), as float32. */
  firstFilters(): { shape: number[]; data: Float32Array } {
    const [, p] = [...this.module.namedParameters()][0]!;
    return { shape: [...p.shape], data: Float32Array.from(p.data.contiguous().toTyped()) };
  }

  /** Every stage's output for test image `index` (eval mode), plus the class probabilities. */
  activations(index: number): { stages: Array<{ name: string; shape: number[]; data: Float32Array }>; probabilities: Float32Array; label: number } {
    const batch = assembleBatch(this.test, Int32Array.of(index), transform, 0, 0);
    const r = this.stagesOf(batch.images, batch.shape);
    return { ...r, label: batch.labels[0]! };
  }

  /** Class probabilities of a 28x28 grey image (0..255, white object on black as in Fashion-MNIST). */
  classify(pixels28: Uint8Array): Float32Array {
    const t = transform.apply({ data: pixels28, n: 1, c: 1, h: 28, w: 28 }, { seed: 0, epoch: 0, indices: Int32Array.of(0) });
    return this.stagesOf(t.data as Float32Array, [1, 1, t.h, t.w]).probabilities;
  }

  private stagesOf(images: Float32Array, shape: [number, number, number, number]): { stages: Array<{ name: string; shape: number[]; data: Float32Array }>; probabilities: Float32Array } {
    this.module.eval();
    try {
      return noGrad(() => {
        const stages = this.model.stages(this.input(images, shape));
        const logits = stages[stages.length - 1]!.output;
        const probabilities = Float32Array.from(softmax(logits, 1).data.toTyped());
        return { stages: stages.map((s) => ({ name: s.name, shape: [...s.output.shape], data: Float32Array.from(s.output.data.contiguous().toTyped()) })), probabilities };
      });
    } finally {
      this.module.train();
    }
  }

  /** The model's state dict as safetensors bytes. */
  saveCheckpoint(): Uint8Array {
    return encodeSafetensors(this.module.stateDict(), { architecture: this.spec.architecture, kind: this.spec.kind, inChannels: String(this.spec.inChannels ?? 1) });
  }

  /** Loads a safetensors or PyTorch .pth checkpoint (bytes) into the model (strict: keys and shapes must match). */
  loadCheckpoint(bytes: Uint8Array, name: string): void {
    this.module.loadStateDict(readCheckpoint(bytes, name));
  }
}

function argmax(a: ArrayLike<number>, offset: number): number {
  let best = 0;
  for (let j = 1; j < 10; j++) if (a[offset + j]! > a[offset + best]!) best = j;
  return best;
}

function accuracy(logits: NDArrayType, labels: Int32Array): number {
  const l = logits.contiguous().toTyped();
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (argmax(l, i * 10) === labels[i]) correct++;
  return correct / labels.length;
}
