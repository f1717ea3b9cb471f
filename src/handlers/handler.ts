import type { ArchiveHandler } from '../archive/index.js';
import type { Tensor, TensorInfo } from '../engine/index.js';

/** Tensors by input or output name. */
export type Feeds = Record<string, Tensor>;

/** Runs the model once on a complete set of feeds. */
export type RunModel = (feeds: Readonly<Feeds>) => Promise<Feeds>;

/**
 * One named part of a request, as TorchServe passes it: a raw body is one input named `body`;
 * form fields and files keep their names (several may share one); query parameters are inputs too.
 */
export interface HandlerInput {
  name: string;
  data: Uint8Array;
  contentType?: string;
  fileName?: string;
}

/** A prediction request as a handler sees it. Plain data, so it crosses to a worker thread. */
export interface HandlerRequest {
  requestId: string;
  inputs: HandlerInput[];
  headers: Record<string, string>;
  explain?: boolean;
}

/** What goes back to the client for one request; 200 and no content type when not given. */
export interface HandlerResponse {
  status?: number;
  contentType?: string;
  headers?: Record<string, string>;
  body: Uint8Array | string;
}

export interface HandlerContext {
  readonly modelName: string;
  readonly modelVersion: string;
  /** The directory holding the model's files, where `index_to_name.json` lives. */
  readonly modelDir: string;
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  /** The model config's `handler:` section. */
  readonly config: Readonly<Record<string, unknown>>;
  /** The most requests one batch job carries. */
  readonly batchSize: number;
}

/**
 * Turns requests into feeds and outputs into responses. `preprocess` gives feeds with a leading
 * batch dimension; the worker stacks compatible feeds of a batch into one run and hands each
 * request its own slice of the outputs. Bad input is a thrown `TypeError` or `RangeError` whose
 * message names the input (a 400); any other error is a 500.
 */
export interface StagedHandler {
  initialize?(context: HandlerContext): Promise<void> | void;
  preprocess(request: HandlerRequest, context: HandlerContext): Promise<Feeds> | Feeds;
  postprocess(
    outputs: Feeds,
    request: HandlerRequest,
    context: HandlerContext,
  ): Promise<HandlerResponse> | HandlerResponse;
  /** Extra metadata for `GET /models/{m}?customized=true`: a JSON object. */
  describe?(context: HandlerContext): unknown;
  /** Answers a request sent with `explain`; it runs the model itself, alone. */
  explain?(
    request: HandlerRequest,
    context: HandlerContext,
    run: RunModel,
  ): Promise<HandlerResponse> | HandlerResponse;
}

/**
 * TorchServe's module-level entry point: takes the whole batch and runs the model itself. An
 * `Error` in the returned list fails only its request.
 */
export interface EntryPointHandler {
  initialize?(context: HandlerContext): Promise<void> | void;
  /** Extra metadata for `GET /models/{m}?customized=true`: a JSON object. */
  describe?(context: HandlerContext): unknown;
  handle(
    requests: HandlerRequest[],
    context: HandlerContext,
    run: RunModel,
  ): Promise<(HandlerResponse | Error)[]>;
}

export type Handler = StagedHandler | EntryPointHandler;

export function isEntryPoint(handler: Handler): handler is EntryPointHandler {
  return 'handle' in handler;
}

/** What a worker needs to load a model's handler. Plain data, so it travels in `workerData`. */
export interface HandlerSetup {
  /** `undefined` when the archive names none: `defaultName` is used. */
  readonly spec: ArchiveHandler | undefined;
  readonly defaultName: string;
  readonly modelName: string;
  readonly modelVersion: string;
  readonly modelDir: string;
  /** The model config's `handler:` section. */
  readonly config: Readonly<Record<string, unknown>>;
  readonly batchSize: number;
}
