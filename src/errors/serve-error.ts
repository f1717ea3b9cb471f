import { errorCatalogue, type ErrorType } from './catalogue.js';

/** An error meant for the client: it carries its catalogue type, HTTP status and extra headers. */
export class ServeError extends Error {
  readonly type: ErrorType;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;

  constructor(type: ErrorType, message?: string, headers: Record<string, string> = {}) {
    super(message ?? errorCatalogue[type].message);
    this.name = type;
    this.type = type;
    this.status = errorCatalogue[type].status;
    this.headers = headers;
  }
}

/** The JSON envelope TorchServe clients parse: `{code, type, message}`. */
export interface ErrorBody {
  code: number;
  type: string;
  message: string;
}

/** Turns anything thrown into the envelope; unknown errors become a 500 without internals. */
export function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof ServeError) {
    return { code: error.status, type: error.type, message: error.message };
  }
  const internal = errorCatalogue.InternalServerException;
  return { code: internal.status, type: 'InternalServerException', message: internal.message };
}
