import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ServeError } from '../errors/index.js';
import type { AccessLog, Logger } from '../logging/index.js';
import { readBody, tooLarge } from './body.js';
import { ClientSignal } from './client-signal.js';
import { stripCredentials, type Guard } from './guard.js';
import type { ReplyWriter } from './responses.js';
import type { PendingReplies } from './pending-replies.js';
import type { Access, ApiName, KeyScope, RequestContext, Route } from './route.js';
import { Router, type RouteMatch } from './router.js';

export interface DispatcherOptions {
  readonly apis: ReadonlySet<ApiName>;
  readonly routes: readonly Route[];
  readonly guard: Guard;
  readonly writer: ReplyWriter;
  readonly maxRequestSize: number;
  readonly modelApiEnabled: boolean;
  readonly healthOpen: boolean;
  readonly isDraining: () => boolean;
  readonly serverLog: Logger;
  readonly accessLog: AccessLog;
  /** Counts every reply by status class once it is written. */
  readonly metrics?: { response(status: number): void } | undefined;
  /** Told of every request from its arrival until its reply is written. */
  readonly replies: PendingReplies;
}

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * HTTP/1.0 or 1.1 only (llhttp also parses 0.9 and 2.0 request lines); a 1.1 request names a
 * host, and no request names two. Repeated headers arrive joined with commas, which no host has.
 */
function checkVersionAndHost(req: IncomingMessage): void {
  if (req.httpVersionMajor !== 1) {
    throw new ServeError(
      'HttpVersionNotSupportedException',
      `HTTP/${req.httpVersion} is not supported; use HTTP/1.1.`,
    );
  }
  const { host } = req.headers;
  if (host === undefined && req.httpVersionMinor === 1) {
    throw new ServeError('BadRequestException', 'An HTTP/1.1 request needs a Host header.');
  }
  if (host?.includes(',') === true) {
    throw new ServeError('BadRequestException', 'A request names one Host; this one has several.');
  }
}

const scopeOfApi: Readonly<Record<ApiName, KeyScope | undefined>> = {
  inference: 'inference',
  management: 'management',
  metrics: undefined,
};

/**
 * One listener's request pipeline: drain check, size check, route match, key check (deny by
 * default: unknown paths need a key of the listener's APIs), credential removal, 404/405, the
 * model-API gate, the handler, the reply, the access-log line.
 */
export function createDispatcher(options: DispatcherOptions): RequestListener {
  const router = new Router(
    options.routes.filter((route) => route.apis.some((api) => options.apis.has(api))),
  );
  const fallbackScopes = [...options.apis].flatMap((api) => scopeOfApi[api] ?? []);

  function scopesFor(access: Access): readonly KeyScope[] {
    if (access === 'open') return [];
    if (access === 'health') return options.healthOpen ? [] : ['inference'];
    return [access];
  }

  function routeFor(match: RouteMatch): Route {
    if (match.kind === 'not-found') throw new ServeError('ResourceNotFoundException');
    if (match.kind === 'wrong-method') throw new ServeError('MethodNotAllowedException');
    if (match.route.modelApi === true && !options.modelApiEnabled) {
      throw new ServeError('MethodNotAllowedException');
    }
    return match.route;
  }

  async function answer(
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
  ): Promise<number> {
    if (options.isDraining()) {
      throw new ServeError('ServiceUnavailableException', 'Server is shutting down.');
    }
    checkVersionAndHost(req);
    const declaredLength = Number(req.headers['content-length'] ?? 0);
    if (declaredLength > options.maxRequestSize) throw tooLarge(options.maxRequestSize);

    const url = req.url ?? '/';
    const queryStart = url.indexOf('?');
    const path = queryStart < 0 ? url : url.slice(0, queryStart);
    const method = req.method ?? 'GET';
    const match = router.matchPath(method, path);
    if (match === null) throw new ServeError('BadRequestException', 'Invalid URL encoding.');

    const scopes = match.kind === 'not-found' ? fallbackScopes : scopesFor(match.route.access);
    if (scopes.length > 0) options.guard.check(req, scopes, path, requestId);
    stripCredentials(req);

    const route = routeFor(match);
    const context: RequestContext = {
      req,
      requestId,
      method,
      path,
      params: match.kind === 'found' ? match.params : {},
      query: new URLSearchParams(queryStart < 0 ? '' : url.slice(queryStart + 1)),
      apis: options.apis,
      readBody: () => readBody(req, options.maxRequestSize),
      clientSignal: () => new ClientSignal(res),
    };
    return options.writer.write(res, requestId, await route.handle(context));
  }

  function logAccess(
    req: IncomingMessage,
    requestId: string,
    status: number,
    started: number,
  ): void {
    const url = req.url ?? '/';
    const line = {
      requestId,
      remote: req.socket.remoteAddress,
      method: req.method,
      path: url.split('?', 1)[0],
      status,
      ms: Math.round((performance.now() - started) * 1000) / 1000,
    };
    if (status >= 500) options.accessLog.error(line);
    else options.accessLog.info(line);
  }

  return (req, res) => {
    const started = performance.now();
    const requestId = randomUUID();
    options.replies.started(req);
    answer(req, res, requestId)
      .catch((error: unknown) => {
        if (!(error instanceof ServeError))
          options.serverLog.error({ err: error, requestId }, 'Unhandled error');
        return res.headersSent ? 500 : options.writer.writeError(res, requestId, error);
      })
      .then((status) => {
        logAccess(req, requestId, status, started);
        options.metrics?.response(status);
      })
      .catch((error: unknown) => options.serverLog.error({ err: error, requestId }, 'Reply failed'))
      .finally(() => options.replies.finished(req));
  };
}
