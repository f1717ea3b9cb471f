/**
 * Every error the server answers with, by TorchServe's exception name. The HTTP status and the
 * default message live here and nowhere else; `docs/errors.md` lists the same entries.
 */
export const errorCatalogue = {
  BadRequestException: { status: 400, message: 'Invalid HTTP message.' },
  InvalidKeyException: { status: 401, message: 'Token authorization failed.' },
  ResourceNotFoundException: {
    status: 404,
    message: 'Requested resource is not found, please refer to API document.',
  },
  InvalidModelException: { status: 400, message: 'Invalid model archive.' },
  DownloadArchiveException: { status: 400, message: 'Failed to download archive.' },
  InvalidModelVersionException: { status: 403, message: 'Invalid model version.' },
  ModelNotFoundException: { status: 404, message: 'Model not found.' },
  ModelVersionNotFoundException: { status: 404, message: 'Model version not found.' },
  MethodNotAllowedException: {
    status: 405,
    message: 'Requested method is not allowed, please refer to API document.',
  },
  RequestTimeoutException: { status: 408, message: 'Request timed out.' },
  ConflictStatusException: { status: 409, message: 'Conflict.' },
  RequestEntityTooLargeException: { status: 413, message: 'Request body is too large.' },
  RequestHeaderFieldsTooLargeException: { status: 431, message: 'Request headers are too large.' },
  TooManyRequestsException: {
    status: 429,
    message: 'Too many failed authorization attempts from this address; retry later.',
  },
  InternalServerException: { status: 500, message: 'Internal server error.' },
  ServiceUnavailableException: { status: 503, message: 'Service unavailable.' },
  HttpVersionNotSupportedException: {
    status: 505,
    message: 'Only HTTP/1.0 and HTTP/1.1 are supported.',
  },
  InsufficientStorageException: { status: 507, message: 'Out of resources.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorType = keyof typeof errorCatalogue;
