import type { IncomingMessage } from 'node:http';
import type { CancelSignal } from '../batching/index.js';

/** The three APIs TorchServe serves; a listener serves one or more of them. */
export type ApiName = 'inference' | 'management' | 'metrics';

/** The kinds of key token authorization knows. */
export type KeyScope = 'inference' | 'management' | 'token';

/**
 * Who may call a route: holders of one key scope, anyone (`open`), or the health endpoints,
 * which are open unless configured to need the inference key.
 */
export type Access = KeyScope | 'open' | 'health';

export interface RequestContext {
  readonly req: IncomingMessage;
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** The APIs served by the listener that received the request. */
  readonly apis: ReadonlySet<ApiName>;
  /** The request body, read up to `max_request_size` (413 beyond). */
  readBody(): Promise<Buffer>;
  /** A signal that aborts if the client goes away before its reply is written. */
  clientSignal(): CancelSignal;
}

/** What a handler answers. `json` is pretty-printed the way TorchServe's frontend does it. */
export interface Reply {
  readonly status?: number;
  readonly json?: unknown;
  readonly body?: Buffer | string;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export type RouteHandler = (context: RequestContext) => Reply | Promise<Reply>;

export interface Route {
  readonly apis: readonly ApiName[];
  /** Segments are literals, `{name}` parameters (also inside a segment), or a final `{name*}`. */
  readonly path: string;
  readonly methods: readonly string[] | 'ANY';
  readonly access: Access;
  /** Register and unregister: refused with 405 unless `enable_model_api` is on. */
  readonly modelApi?: boolean;
  readonly summary: string;
  /** The media type of a request body, for the API description; none when omitted. */
  readonly consumes?: string;
  /** The media type of a successful reply, for the API description; JSON when omitted. */
  readonly produces?: string;
  readonly handle: RouteHandler;
}
