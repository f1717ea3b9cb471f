import type { ServiceDefinition } from '@grpc/grpc-js';
import { loadSync, type Options } from '@grpc/proto-loader';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const INFERENCE_SERVICE = 'org.pytorch.serve.grpc.inference.InferenceAPIsService';
export const MANAGEMENT_SERVICE = 'org.pytorch.serve.grpc.management.ManagementAPIsService';

/** How messages are decoded: field names as written in the .proto files, defaults filled in. */
export const protoLoaderOptions: Options = { keepCase: true, defaults: true, oneofs: true };

/**
 * The folder of the .proto files. tsc does not copy them, so the compiled module (under
 * `dist/src/grpc/`) reads them from `src/grpc/proto/` in the package root.
 */
export function protoDir(): string {
  const beside = fileURLToPath(new URL('proto/', import.meta.url));
  if (existsSync(beside)) return beside;
  return fileURLToPath(new URL('../../../src/grpc/proto/', import.meta.url));
}

export interface ServiceDefinitions {
  readonly inference: ServiceDefinition;
  readonly management: ServiceDefinition;
}

/** Parses TorchServe's two services from the .proto files. */
export function loadServices(): ServiceDefinitions {
  const definitions = loadSync(['inference.proto', 'management.proto'], {
    ...protoLoaderOptions,
    includeDirs: [protoDir()],
  });
  return {
    inference: definitions[INFERENCE_SERVICE] as ServiceDefinition,
    management: definitions[MANAGEMENT_SERVICE] as ServiceDefinition,
  };
}
