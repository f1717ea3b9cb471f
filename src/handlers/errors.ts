/**
 * A failure a handler reports with the HTTP status to answer with. Custom handlers get the same
 * by setting `status` on whatever they throw.
 */
export class HandlerError extends Error {
  readonly status: number;

  constructor(message: string, status: number) {
    super(message);
    this.name = 'HandlerError';
    this.status = status;
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
