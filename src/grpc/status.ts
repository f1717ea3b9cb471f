import { status as GrpcStatus } from '@grpc/grpc-js';
import { toErrorBody } from '../errors/index.js';

/** How a call failed: the gRPC status, its description, and the HTTP status it stands for. */
export interface RpcFailure {
  readonly code: GrpcStatus;
  readonly details: string;
  /** What the HTTP API would have answered; the response metrics count this. */
  readonly httpStatus: number;
}

/** A handler's own non-2xx answer (not thrown), carried to the status mapping. */
export class HandlerReplyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HandlerReplyError';
  }
}

/**
 * The gRPC status for an HTTP status: the codes TorchServe's gRPC services use (NOT_FOUND,
 * INVALID_ARGUMENT for bad input, INTERNAL), plus the ones our extra answers need.
 */
export function grpcCodeOf(httpStatus: number): GrpcStatus {
  switch (httpStatus) {
    case 401:
      return GrpcStatus.UNAUTHENTICATED;
    case 404:
      return GrpcStatus.NOT_FOUND;
    case 405:
      return GrpcStatus.PERMISSION_DENIED;
    case 408:
      return GrpcStatus.DEADLINE_EXCEEDED;
    case 429:
      return GrpcStatus.RESOURCE_EXHAUSTED;
    case 503:
      return GrpcStatus.UNAVAILABLE;
  }
  return httpStatus >= 400 && httpStatus < 500 ? GrpcStatus.INVALID_ARGUMENT : GrpcStatus.INTERNAL;
}

/** Any thrown value as a gRPC failure with the HTTP API's message; internals stay hidden. */
export function toRpcFailure(error: unknown): RpcFailure {
  if (error instanceof HandlerReplyError) {
    return { code: grpcCodeOf(error.status), details: error.message, httpStatus: error.status };
  }
  const body = toErrorBody(error);
  return { code: grpcCodeOf(body.code), details: body.message, httpStatus: body.code };
}
