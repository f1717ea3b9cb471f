import type {
  handleBidiStreamingCall,
  handleServerStreamingCall,
  handleUnaryCall,
  Metadata,
} from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import type { CredentialCheck } from '../auth/index.js';
import { ServeError } from '../errors/index.js';
import type { Logger } from '../logging/index.js';
import type { KeyScope } from '../server/index.js';
import { peerAddress } from './peer.js';
import { HandlerReplyError, toRpcFailure, type RpcFailure } from './status.js';

/** What every call of a service shares: the key check, the logs and the response counters. */
export interface RpcEnvironment {
  readonly authorize: CredentialCheck;
  /** Where each call's line goes, at error level for 5xx-equivalent outcomes. */
  readonly accessLog: {
    info(line: Readonly<Record<string, string | number>>): void;
    error(line: Readonly<Record<string, string | number>>): void;
  };
  readonly serverLog: Logger;
  readonly metrics?: { response(status: number): void } | undefined;
}

/** Who may make a call: holders of one key, or anyone. */
export type RpcAccess = KeyScope | 'open';

/** What a call's implementation gets besides its message. */
export interface CallContext {
  readonly requestId: string;
  /** Aborts when the client cancels the call. */
  readonly signal: AbortSignal;
}

type Outcome<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly failure: RpcFailure };

/** What every kind of server call offers, as far as the runner needs it. */
interface SurfaceCall {
  readonly cancelled: boolean;
  readonly metadata: Metadata;
  getPeer(): string;
  getPath(): string;
  once(event: 'cancelled', listener: () => void): unknown;
}

function firstText(metadata: Metadata, key: string): string | undefined {
  const [value] = metadata.get(key);
  return typeof value === 'string' ? value : undefined;
}

function cancelSignal(call: SurfaceCall): AbortSignal {
  const controller = new AbortController();
  call.once('cancelled', () =>
    controller.abort(new ServeError('ServiceUnavailableException', 'Client went away.')),
  );
  return controller.signal;
}

/**
 * Wraps service methods so that each call is checked against its key (the `authorization`
 * metadata, read as HTTP reads the header), logged in one access line, counted in the response
 * metrics, and answered with a gRPC status mapped from the HTTP API's error and message.
 */
export class RpcRunner {
  constructor(private readonly env: RpcEnvironment) {}

  unary<Req, Res>(
    access: RpcAccess,
    work: (request: Req, context: CallContext) => Promise<Res> | Res,
  ): handleUnaryCall<Req, Res> {
    return (call, callback) => {
      const signal = cancelSignal(call);
      void this.serve(call, access, signal, (context) => work(call.request, context)).then(
        (outcome) => (outcome.ok ? callback(null, outcome.value) : callback(outcome.failure)),
      );
    };
  }

  /** One request, a stream of answers: `work` writes them; the stream ends when it settles. */
  serverStream<Req, Res>(
    access: RpcAccess,
    work: (request: Req, context: CallContext, write: (answer: Res) => void) => Promise<void>,
  ): handleServerStreamingCall<Req, Res> {
    return (call) => {
      const write = (answer: Res): void => {
        if (!call.cancelled) call.write(answer);
      };
      const signal = cancelSignal(call);
      void this.serve(call, access, signal, (context) => work(call.request, context, write)).then(
        (outcome) => (outcome.ok ? call.end() : call.emit('error', outcome.failure)),
      );
    };
  }

  /**
   * A stream of requests, one answer each, in order. The key is checked when the stream opens;
   * a request that fails is answered by `failed`, and the stream carries on.
   */
  bidiStream<Req, Res>(
    access: RpcAccess,
    answer: (request: Req, context: CallContext) => Promise<Res>,
    failed: (request: Req, failure: RpcFailure) => Res,
  ): handleBidiStreamingCall<Req, Res> {
    return (call) => {
      const refused = this.admit(call, access);
      if (refused !== undefined) {
        this.record(call, randomUUID(), performance.now(), refused.httpStatus);
        call.emit('error', refused);
        return;
      }
      const signal = cancelSignal(call);
      const answerOne = async (request: Req): Promise<void> => {
        const outcome = await this.serve(call, 'open', signal, (c) => answer(request, c));
        if (!call.cancelled)
          call.write(outcome.ok ? outcome.value : failed(request, outcome.failure));
      };
      let previous = Promise.resolve();
      call.on('data', (request: Req) => {
        previous = previous
          .then(() => answerOne(request))
          .catch((error: unknown) =>
            this.env.serverLog.error({ err: error }, 'Stream reply failed'),
          );
      });
      call.on('end', () => void previous.then(() => call.end()));
    };
  }

  /** The key check; the failure to answer with, or undefined when the call may proceed. */
  private admit(call: SurfaceCall, access: RpcAccess, requestId?: string): RpcFailure | undefined {
    if (access === 'open') return undefined;
    try {
      const presented = {
        authorization: firstText(call.metadata, 'authorization'),
        remote: peerAddress(call.getPeer()),
        requestId,
      };
      this.env.authorize(presented, [access], call.getPath());
      return undefined;
    } catch (error: unknown) {
      return toRpcFailure(error);
    }
  }

  private async serve<T>(
    call: SurfaceCall,
    access: RpcAccess,
    signal: AbortSignal,
    work: (context: CallContext) => Promise<T> | T,
  ): Promise<Outcome<T>> {
    const started = performance.now();
    const requestId = randomUUID();
    const refused = this.admit(call, access, requestId);
    const outcome: Outcome<T> =
      refused === undefined
        ? await this.attempt(requestId, () => work({ requestId, signal }))
        : { ok: false, failure: refused };
    this.record(call, requestId, started, outcome.ok ? 200 : outcome.failure.httpStatus);
    return outcome;
  }

  private async attempt<T>(requestId: string, work: () => Promise<T> | T): Promise<Outcome<T>> {
    try {
      return { ok: true, value: await work() };
    } catch (error: unknown) {
      if (!(error instanceof ServeError || error instanceof HandlerReplyError)) {
        this.env.serverLog.error({ err: error, requestId }, 'Unhandled error');
      }
      return { ok: false, failure: toRpcFailure(error) };
    }
  }

  private record(call: SurfaceCall, requestId: string, started: number, status: number): void {
    const line = {
      requestId,
      remote: peerAddress(call.getPeer()),
      method: 'gRPC',
      path: call.getPath(),
      status,
      ms: Math.round((performance.now() - started) * 1000) / 1000,
    };
    if (status >= 500) this.env.accessLog.error(line);
    else this.env.accessLog.info(line);
    this.env.metrics?.response(status);
  }
}
