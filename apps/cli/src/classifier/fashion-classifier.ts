/**
 * A small CNN that classifies Fashion-MNIST, built from tfjs-core ops. Its penultimate activations
 * (`features`, 128 numbers per image) are the feature space of `diffuse eval`'s Fréchet distance, the
 * way Inception-v3's pool features are FID's (Heusel et al. 2017, "GANs trained by a two time-scale
 * update rule converge to a local Nash equilibrium").
 *
 * Architecture (NHWC, input 28×28×1 in [-1, 1]):
 *   conv 3×3 → 16, ReLU (28×28) · conv 3×3 stride 2 → 32, ReLU (14×14) · conv 3×3 stride 2 → 64, ReLU (7×7)
 *   · flatten · dense → 128, ReLU (= features) · dense → 10 (logits)
 * Strided convolutions downsample (no pooling), so training only needs conv2d's gradients.
 */
import { NoiseGenerator, ShapeError, ValueError } from '@diffuse/core';
import {
  add,
  conv2d,
  matMul,
  relu,
  reshape,
  type Tensor,
  type Tensor1D,
  type Tensor2D,
  type Tensor4D,
  tensor,
  tidy,
  type Variable,
  variable,
} from '@tensorflow/tfjs-core';

/** The classifier's hyper-parameters (stored as its `config.json`). */
export interface ClassifierConfig {
  /** Image side (28). */
  imageSize: number;
  /** Input channels (1). */
  inChannels: number;
  /** Output channels of the three convolutions. */
  convChannels: readonly [number, number, number];
  /** Width of the feature layer. */
  featureDim: number;
  /** Number of classes (10). */
  numClasses: number;
}

/** The default architecture: about 0.43 M parameters. */
export const DEFAULT_CLASSIFIER_CONFIG: ClassifierConfig = {
  imageSize: 28,
  inChannels: 1,
  convChannels: [16, 32, 64],
  featureDim: 128,
  numClasses: 10,
};

/** A named weight: shape plus row-major float32 values (HWIO for convolutions, [in, out] for dense). */
export interface NamedWeight {
  shape: number[];
  data: Float32Array;
}

/** Parameter names and shapes for `config`, in a fixed order. */
export function parameterShapes(config: ClassifierConfig): Record<string, number[]> {
  const [c1, c2, c3] = config.convChannels;
  const spatial = Math.ceil(Math.ceil(config.imageSize / 2) / 2);
  return {
    'conv1.weight': [3, 3, config.inChannels, c1],
    'conv1.bias': [c1],
    'conv2.weight': [3, 3, c1, c2],
    'conv2.bias': [c2],
    'conv3.weight': [3, 3, c2, c3],
    'conv3.bias': [c3],
    'features.weight': [spatial * spatial * c3, config.featureDim],
    'features.bias': [config.featureDim],
    'logits.weight': [config.featureDim, config.numClasses],
    'logits.bias': [config.numClasses],
  };
}

/**
 * The Fashion-MNIST feature classifier.
 *
 * @example
 * const classifier = FashionClassifier.initialize({ seed: 0 });
 * const { features, logits } = classifier.forward(images); // images: [n, 28, 28, 1] in [-1, 1]
 */
export class FashionClassifier {
  readonly config: ClassifierConfig;
  /** Trainable weights by name. */
  readonly weights: Readonly<Record<string, Variable>>;

  private constructor(config: ClassifierConfig, weights: Record<string, Variable>) {
    this.config = config;
    this.weights = weights;
  }

  /** He-normal weights and zero biases drawn from a counter-based generator: same on every backend. */
  static initialize(options: { seed: number; config?: ClassifierConfig }): FashionClassifier {
    const config = options.config ?? DEFAULT_CLASSIFIER_CONFIG;
    const generator = new NoiseGenerator(options.seed);
    const weights: Record<string, Variable> = {};
    for (const [name, shape] of Object.entries(parameterShapes(config))) {
      if (name.endsWith('.bias')) {
        weights[name] = variable(tensor(new Float32Array(shape[0]!), shape), true);
        continue;
      }
      const fanIn = shape.slice(0, -1).reduce((product, size) => product * size, 1);
      weights[name] = tidy(() => {
        const draw = generator.normal({ shape: [1, ...shape], step: 0, stream: name });
        return variable(draw.reshape(shape).mul(Math.sqrt(2 / fanIn)), true);
      });
    }
    return new FashionClassifier(config, weights);
  }

  /** A classifier from saved weights (see {@link FashionClassifier.exportWeights}). */
  static fromWeights(config: ClassifierConfig, saved: Record<string, NamedWeight>): FashionClassifier {
    const weights: Record<string, Variable> = {};
    try {
      for (const [name, shape] of Object.entries(parameterShapes(config))) {
        const entry = saved[name];
        if (!entry)
          throw new ValueError({
            argument: 'weights',
            expected: `a tensor named "${name}"`,
            received: Object.keys(saved),
          });
        if (entry.shape.length !== shape.length || entry.shape.some((size, axis) => size !== shape[axis])) {
          throw new ShapeError({
            argument: `weights["${name}"]`,
            expected: `shape [${shape.join(', ')}]`,
            received: entry.shape,
          });
        }
        weights[name] = variable(tensor(entry.data, shape), false);
      }
    } catch (error) {
      for (const weight of Object.values(weights)) weight.dispose();
      throw error;
    }
    return new FashionClassifier(config, weights);
  }

  private weight(name: string): Variable {
    return this.weights[name]!;
  }

  /** Features ([n, featureDim], post-ReLU) and class logits ([n, numClasses]) of `images`. */
  forward(images: Tensor4D): { features: Tensor2D; logits: Tensor2D } {
    const { imageSize, inChannels } = this.config;
    if (
      images.rank !== 4 ||
      images.shape[1] !== imageSize ||
      images.shape[2] !== imageSize ||
      images.shape[3] !== inChannels
    ) {
      throw new ShapeError({
        argument: 'images',
        expected: `shape [n, ${imageSize}, ${imageSize}, ${inChannels}] (NHWC)`,
        received: images.shape,
      });
    }
    const [features, logits] = tidy(() => {
      const convolve = (input: Tensor4D, name: string, stride: 1 | 2): Tensor4D =>
        relu(
          add(conv2d(input, this.weight(`${name}.weight`) as Tensor4D, stride, 'same'), this.weight(`${name}.bias`)),
        ) as Tensor4D;
      const h1 = convolve(images, 'conv1', 1);
      const h2 = convolve(h1, 'conv2', 2);
      const h3 = convolve(h2, 'conv3', 2);
      const flat = reshape(h3, [images.shape[0], -1]) as Tensor2D;
      const hidden = relu(add(matMul(flat, this.weight('features.weight') as Tensor2D), this.weight('features.bias')));
      const scores = add(matMul(hidden, this.weight('logits.weight') as Tensor2D), this.weight('logits.bias'));
      return [hidden as Tensor2D, scores as Tensor2D];
    });
    return { features, logits };
  }

  /** Feature vectors only. */
  features(images: Tensor4D): Tensor2D {
    const { features, logits } = this.forward(images);
    logits.dispose();
    return features;
  }

  /** Predicted labels, [n] int32. */
  predictLabels(images: Tensor4D): Tensor1D {
    const { features, logits } = this.forward(images);
    features.dispose();
    const labels = logits.argMax(1) as Tensor1D;
    logits.dispose();
    return labels;
  }

  /** Weights as named arrays, for saving. */
  async exportWeights(): Promise<Record<string, NamedWeight>> {
    const saved: Record<string, NamedWeight> = {};
    for (const [name, weight] of Object.entries(this.weights)) {
      saved[name] = { shape: [...weight.shape], data: (await (weight as Tensor).data()) as Float32Array };
    }
    return saved;
  }

  /** Trainable variables (for an optimiser). */
  trainableVariables(): Variable[] {
    return Object.values(this.weights);
  }

  dispose(): void {
    for (const weight of Object.values(this.weights)) weight.dispose();
  }
}
