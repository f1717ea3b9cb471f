import type { BenchModel } from './setup.js';

/** A request in the Open Inference Protocol's binary tensor extension, and the headers it needs. */
export interface BinaryRequest {
  readonly items: number;
  readonly body: Buffer;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * `items` copies of the model's sample row as one FP32 input: a JSON header naming the input and
 * its byte size, then the floats as they lie in memory. No number is printed or parsed.
 */
export function binaryRequest(model: BenchModel, items: number): BinaryRequest {
  const floats = new Float32Array(items * model.width);
  for (let item = 0; item < items; item++) floats.set(model.row, item * model.width);
  const tensor = Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength);
  const header = Buffer.from(
    JSON.stringify({
      inputs: [
        {
          name: model.inputName,
          shape: [items, model.width],
          datatype: 'FP32',
          parameters: { binary_data_size: tensor.length },
        },
      ],
    }),
  );
  return {
    items,
    body: Buffer.concat([header, tensor]),
    headers: {
      'content-type': 'application/octet-stream',
      'inference-header-content-length': String(header.length),
    },
  };
}
