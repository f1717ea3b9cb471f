import {
  credentials as channelCredentials,
  loadPackageDefinition,
  Metadata,
  type ChannelCredentials,
  type ChannelOptions,
  type Client,
  type ClientReadableStream,
  type ClientDuplexStream,
  type ServiceClientConstructor,
  type ServiceError,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import {
  INFERENCE_SERVICE,
  MANAGEMENT_SERVICE,
  protoDir,
  protoLoaderOptions,
} from '../../src/grpc/protos.js';
import type { GrpcTargets } from './server-process.js';

type Callback = (error: ServiceError | null, response?: unknown) => void;
type UnaryMethod = (request: object, metadata: Metadata, callback: Callback) => unknown;
type StreamMethod = (request: object, metadata: Metadata) => ClientReadableStream<unknown>;
type BidiMethod = (metadata: Metadata) => ClientDuplexStream<unknown, unknown>;

/** A TorchServe-style gRPC client: stubs generated from the .proto files at run time. */
export interface GrpcClients {
  readonly inference: Client;
  readonly management: Client;
  close(): void;
}

function serviceClient(name: string): ServiceClientConstructor {
  const definitions = loadSync(['inference.proto', 'management.proto'], {
    ...protoLoaderOptions,
    includeDirs: [protoDir()],
  });
  const loaded = loadPackageDefinition(definitions) as unknown as Record<string, unknown>;
  let node: unknown = loaded;
  for (const part of name.split('.')) node = (node as Record<string, unknown>)[part];
  return node as ServiceClientConstructor;
}

export function grpcClients(
  targets: GrpcTargets,
  credentials: ChannelCredentials = channelCredentials.createInsecure(),
  options: ChannelOptions = {},
): GrpcClients {
  const Inference = serviceClient(INFERENCE_SERVICE);
  const Management = serviceClient(MANAGEMENT_SERVICE);
  const inference = new Inference(targets.inference ?? '', credentials, options);
  const management = new Management(targets.management ?? '', credentials, options);
  return {
    inference,
    management,
    close: () => {
      inference.close();
      management.close();
    },
  };
}

/** Metadata holding `authorization: <value>`; `Bearer <key>` when only a key is given. */
export function withKey(key?: string, raw?: string): Metadata {
  const metadata = new Metadata();
  if (raw !== undefined) metadata.set('authorization', raw);
  else if (key !== undefined) metadata.set('authorization', `Bearer ${key}`);
  return metadata;
}

function method<T extends (...args: never[]) => unknown>(client: Client, name: string): T {
  const found = (client as unknown as Record<string, T | undefined>)[name];
  if (found === undefined) throw new Error(`the client has no method ${name}`);
  return found.bind(client) as T;
}

/** One unary call; rejects with the ServiceError (`code`, `details`) on a non-OK status. */
export function unary<T>(
  client: Client,
  name: string,
  request: object,
  metadata: Metadata = new Metadata(),
): Promise<T> {
  const call = method<UnaryMethod>(client, name);
  return new Promise((resolve, reject) => {
    call(request, metadata, (error, response) =>
      error === null ? resolve(response as T) : reject(error),
    );
  });
}

/** A server-streaming call, collected: every message until the stream ends. */
export function collect<T>(
  client: Client,
  name: string,
  request: object,
  metadata: Metadata = new Metadata(),
): Promise<T[]> {
  const stream = method<StreamMethod>(client, name)(request, metadata);
  const messages: T[] = [];
  return new Promise((resolve, reject) => {
    stream.on('data', (message: T) => messages.push(message));
    stream.on('error', reject);
    stream.on('end', () => resolve(messages));
  });
}

/** A bidirectional call: writes `requests`, ends, and collects every answer. */
export function exchange<T>(
  client: Client,
  name: string,
  requests: readonly object[],
  metadata: Metadata = new Metadata(),
): Promise<T[]> {
  const stream = method<BidiMethod>(client, name)(metadata);
  const messages: T[] = [];
  const done = new Promise<T[]>((resolve, reject) => {
    stream.on('data', (message: T) => messages.push(message));
    stream.on('error', reject);
    stream.on('end', () => resolve(messages));
  });
  for (const request of requests) stream.write(request);
  stream.end();
  return done;
}
