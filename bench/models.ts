import { encodeModel, type Initializer, type NodeSpec } from './onnx-builder.js';

export interface BuiltModel {
  readonly onnx: Buffer;
  readonly inputName: string;
  /** Features per item: the input is float32 `[batch, width]`. */
  readonly width: number;
  readonly weightBytes: number;
}

/** mulberry32: a small seeded generator, so every run builds the same weights. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform in ±sqrt(6 / fanIn): activations keep their scale through Relu layers. */
function weights(random: () => number, rows: number, columns: number): Float32Array {
  const limit = Math.sqrt(6 / rows);
  const data = new Float32Array(rows * columns);
  for (let index = 0; index < data.length; index++) data[index] = (random() * 2 - 1) * limit;
  return data;
}

/** `y = Gemm(x, W, b)` layers, each but the last followed by Relu, over `[batch, widths[0]]`. */
function denseStack(name: string, widths: readonly number[], seed: number): BuiltModel {
  const random = seededRandom(seed);
  const nodes: NodeSpec[] = [];
  const initializers: Initializer[] = [];
  let current = 'input';
  for (let layer = 0; layer + 1 < widths.length; layer++) {
    const [rows, columns] = [widths[layer] as number, widths[layer + 1] as number];
    const last = layer + 2 === widths.length;
    initializers.push({
      name: `w${layer}`,
      dims: [rows, columns],
      data: weights(random, rows, columns),
    });
    initializers.push({
      name: `b${layer}`,
      dims: [columns],
      data: new Float32Array(columns).fill(0.01),
    });
    const gemmOut = last ? 'output' : `gemm${layer}`;
    nodes.push({ op: 'Gemm', inputs: [current, `w${layer}`, `b${layer}`], outputs: [gemmOut] });
    if (!last) nodes.push({ op: 'Relu', inputs: [gemmOut], outputs: [`relu${layer}`] });
    current = `relu${layer}`;
  }
  const onnx = encodeModel({
    name,
    inputs: [{ name: 'input', shape: ['batch', widths[0] as number] }],
    outputs: [{ name: 'output', shape: ['batch', widths.at(-1) as number] }],
    nodes,
    initializers,
  });
  const weightBytes = initializers.reduce((sum, each) => sum + each.data.byteLength, 0);
  return { onnx, inputName: 'input', width: widths[0] as number, weightBytes };
}

/** A float32 `[batch, 4] → [batch, 3]` Gemm: the runtime's cost is close to nothing. */
export function tinyModel(): BuiltModel {
  return denseStack('tiny', [4, 3], 7);
}

/** The layer widths of the compute-bound MLP: 1024 → 4096 → 4096 → 1024 → 16, ~101 MB. */
export const fullMlpWidths: readonly number[] = [1024, 4096, 4096, 1024, 16];

/** The same shape scaled down (~4 MB), for a smoke run that only proves the harness works. */
export const smokeMlpWidths: readonly number[] = [1024, 512, 512, 1024, 16];

export function mlpModel(widths: readonly number[]): BuiltModel {
  return denseStack('mlp', widths, 42);
}

/** One row of `width` values with three decimals: short JSON, same bytes every run. */
export function sampleRow(width: number, seed = 1): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: width }, () => Math.round(random() * 1000) / 1000);
}
