import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ArchiveHandler } from '../archive/index.js';
import type { HandlerInput, HandlerRequest, HandlerResponse } from '../handlers/index.js';
import { silentLogger, type Logger } from '../logging/index.js';
import type { RequestFailure } from './errors.js';
import { WorkerPool } from './pool.js';

/** Helpers for the tests that serve requests through a real pool; not used by the server. */
export interface HandlerPoolOptions {
  readonly modelPath: string;
  readonly handler: ArchiveHandler | undefined;
  readonly defaultName?: string;
  /** The model's directory; the model file's own by default. */
  readonly modelDir?: string;
  readonly config?: Readonly<Record<string, unknown>>;
  readonly logger?: Logger;
}

export function handlerPool(options: HandlerPoolOptions): WorkerPool {
  const modelDir = options.modelDir ?? dirname(options.modelPath);
  const modelName = basename(options.modelPath).replace(/\.onnx$/, '');
  return new WorkerPool({
    modelPath: options.modelPath,
    modelName,
    minWorkers: 0,
    maxWorkers: 1,
    startupTimeoutMs: 30_000,
    responseTimeoutMs: 30_000,
    retryBackoffUnitMs: 60_000,
    logger: options.logger ?? silentLogger(),
    handler: {
      spec: options.handler,
      defaultName: options.defaultName ?? 'tensor',
      modelName,
      modelVersion: '1.0',
      modelDir,
      config: options.config ?? {},
      batchSize: 8,
    },
  });
}

/** The `handler:` section of an example's model-config.yaml. */
export function exampleHandlerConfig(dir: string): Record<string, unknown> {
  const document = parseYaml(readFileSync(join(dir, 'model-config.yaml'), 'utf8')) as {
    handler: Record<string, unknown>;
  };
  return document.handler;
}

let nextId = 1;

export function requestOf(...inputs: HandlerInput[]): HandlerRequest {
  return { requestId: `request-${nextId++}`, inputs, headers: {} };
}

export function bodyRequest(body: string | Uint8Array, contentType?: string): HandlerRequest {
  const data = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  return requestOf({ name: 'body', data, ...(contentType === undefined ? {} : { contentType }) });
}

export function jsonRequest(value: unknown): HandlerRequest {
  return bodyRequest(JSON.stringify(value), 'application/json');
}

/** The response's body as text; fails the test when the request failed instead. */
export function responseText(result: HandlerResponse | RequestFailure | undefined): string {
  if (result instanceof Error)
    assert.fail(`expected a response, got ${result.name}: ${result.message}`);
  assert.ok(result !== undefined, 'expected a response');
  return typeof result.body === 'string' ? result.body : new TextDecoder().decode(result.body);
}

/** The error a request failed with; fails the test when it got a response. */
export function failureOf(result: HandlerResponse | RequestFailure | undefined): Error {
  assert.ok(result instanceof Error, `expected a failure, got ${JSON.stringify(result)}`);
  return result;
}

/** Polls `check` until it holds; fails the test after `timeoutMs`. */
export async function waitUntil(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) assert.fail('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
