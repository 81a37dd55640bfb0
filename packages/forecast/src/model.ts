/**
 * The neural network: a small MLP (TensorFlow.js) mapping standardised features to three
 * quantiles (p50, p10, p90) of the venue-normalised residual from the hour-of-week profile,
 * trained with the pinball (quantile) loss. Deterministic: seeded initialisers and a seeded
 * shuffle (results are reproducible on the same backend).
 *
 * Backend: the WASM backend (@tensorflow/tfjs-backend-wasm, SIMD build shipped in the package, no
 * native download) — measured ~3.5× faster than the pure-JS CPU backend for training this MLP on
 * this machine. Falls back to 'cpu' if WASM cannot initialise. Override with FORECAST_TF_BACKEND.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

/** Output order of the network. */
export const QUANTILES = [0.5, 0.1, 0.9] as const;

let backendPromise: Promise<string> | undefined;

/** Initialises TensorFlow.js once ('wasm' preferred). Returns the active backend name. */
export function initBackend(
  preferred: 'wasm' | 'cpu' = (process.env.FORECAST_TF_BACKEND as 'wasm' | 'cpu' | undefined) ?? 'wasm',
): Promise<string> {
  backendPromise ??= (async () => {
    tf.env().set('PROD', true); // silences the "install tfjs-node" banner; no debug checks
    let ok = false;
    try {
      ok = await tf.setBackend(preferred);
    } catch {
      ok = false;
    }
    if (!ok) await tf.setBackend('cpu');
    await tf.ready();
    return tf.getBackend();
  })();
  return backendPromise;
}

export interface NetworkConfig {
  inputSize: number;
  hidden: number[];
  seed: number;
}

/** Dense ReLU MLP plus a linear skip connection from the inputs to the outputs. */
export function buildNetwork(config: NetworkConfig): tf.LayersModel {
  const input = tf.input({ shape: [config.inputSize], name: 'features' });
  let h: tf.SymbolicTensor = input;
  config.hidden.forEach((units, i) => {
    h = tf.layers
      .dense({
        units,
        activation: 'relu',
        name: `hidden${i + 1}`,
        kernelInitializer: tf.initializers.heNormal({ seed: config.seed + i }),
      })
      .apply(h) as tf.SymbolicTensor;
  });
  // Zero-initialised output: an untrained network predicts residual 0, i.e. exactly the
  // level-adjusted seasonal profile, and training only has to learn corrections to it.
  const deep = tf.layers
    .dense({ units: QUANTILES.length, name: 'deep', kernelInitializer: tf.initializers.zeros() })
    .apply(h) as tf.SymbolicTensor;
  const linear = tf.layers
    .dense({
      units: QUANTILES.length,
      name: 'linear',
      useBias: false,
      kernelInitializer: tf.initializers.zeros(),
    })
    .apply(input) as tf.SymbolicTensor;
  const output = tf.layers.add({ name: 'quantiles' }).apply([deep, linear]) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output, name: 'occupancy_quantiles' });
}

/** Mean pinball loss over the quantile outputs. */
function pinballLoss(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const q = tf.tensor1d(QUANTILES as unknown as number[]);
    const diff = tf.sub(yTrue, yPred); // broadcast [n,1] - [n,3]
    return tf.mean(tf.maximum(tf.mul(q, diff), tf.mul(tf.sub(q, 1), diff))) as tf.Scalar;
  });
}

/** Mulberry32: small seeded PRNG for reproducible shuffles and subsampling. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FitConfig {
  epochs: number;
  /** L2 penalty coefficient on the hidden-layer kernels. */
  l2: number;
  batchSize: number;
  learningRate: number;
  /** Learning rate multiplier reached linearly by the last epoch. */
  finalLearningRateFactor: number;
  seed: number;
  log?: ((message: string) => void) | undefined;
}

export interface FitLog {
  epochLoss: number[];
  seconds: number;
}

/**
 * Trains `model` on row-major `x` (n × inputSize, already standardised) and targets `y` (n).
 * Custom loop: seeded shuffle each epoch, Adam with a linearly decaying learning rate.
 */
export async function fitNetwork(
  model: tf.LayersModel,
  x: Float32Array,
  y: Float32Array,
  inputSize: number,
  config: FitConfig,
): Promise<FitLog> {
  const n = y.length;
  const started = performance.now();
  const rand = seededRandom(config.seed);
  const optimizer = tf.train.adam(config.learningRate);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const bx = new Float32Array(config.batchSize * inputSize);
  const by = new Float32Array(config.batchSize);
  const epochLoss: number[] = [];
  const penalised = model.layers
    .filter((l) => l.name.startsWith('hidden'))
    .map((l) => l.trainableWeights[0]!);
  for (let epoch = 0; epoch < config.epochs; epoch++) {
    const frac = config.epochs > 1 ? epoch / (config.epochs - 1) : 0;
    // AdamOptimizer reads `learningRate` on every step; the field is protected in the typings only.
    (optimizer as unknown as { learningRate: number }).learningRate =
      config.learningRate * (1 + (config.finalLearningRateFactor - 1) * frac);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      const tmp = order[i]!;
      order[i] = order[j]!;
      order[j] = tmp;
    }
    let lossSum = 0;
    let batches = 0;
    for (let start = 0; start < n; start += config.batchSize) {
      const m = Math.min(config.batchSize, n - start);
      for (let r = 0; r < m; r++) {
        const src = order[start + r]!;
        bx.set(x.subarray(src * inputSize, (src + 1) * inputSize), r * inputSize);
        by[r] = y[src]!;
      }
      const loss = tf.tidy(() => {
        const xs = tf.tensor2d(bx.subarray(0, m * inputSize), [m, inputSize]);
        const ys = tf.tensor2d(by.subarray(0, m), [m, 1]);
        return optimizer.minimize(() => {
          const pred = model.apply(xs, { training: true }) as tf.Tensor;
          let l = pinballLoss(ys, pred);
          if (config.l2 > 0)
            for (const w of penalised) l = tf.add(l, tf.mul(config.l2, tf.sum(tf.square(w.read()))));
          return l;
        }, true) as tf.Scalar;
      });
      // Reading the loss every batch would sync; accumulate every 50th batch only.
      if (batches % 50 === 0) lossSum += (await loss.data())[0]!;
      loss.dispose();
      batches++;
    }
    const meanLoss = lossSum / Math.ceil(batches / 50);
    epochLoss.push(meanLoss);
    config.log?.(
      `epoch ${epoch + 1}/${config.epochs} pinball ${meanLoss.toFixed(5)} (${((performance.now() - started) / 1000).toFixed(1)} s)`,
    );
  }
  optimizer.dispose();
  return { epochLoss, seconds: (performance.now() - started) / 1000 };
}

/** Runs the network on row-major standardised inputs; returns n × 3 quantile outputs (row-major). */
export function runNetwork(
  model: tf.LayersModel,
  x: Float32Array,
  inputSize: number,
  batchSize = 4096,
): Float32Array {
  const n = Math.floor(x.length / inputSize);
  const out = new Float32Array(n * QUANTILES.length);
  for (let start = 0; start < n; start += batchSize) {
    const m = Math.min(batchSize, n - start);
    const res = tf.tidy(() => {
      const xs = tf.tensor2d(x.subarray(start * inputSize, (start + m) * inputSize), [m, inputSize]);
      return (model.predict(xs) as tf.Tensor).dataSync() as Float32Array;
    });
    out.set(res, start * QUANTILES.length);
  }
  return out;
}

export { tf };
