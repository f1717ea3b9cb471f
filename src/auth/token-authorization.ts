import type { IncomingMessage } from 'node:http';
import { ServeError } from '../errors/index.js';
import type { Logger } from '../logging/index.js';
import type { Guard } from '../server/guard.js';
import { parseAuthorization } from './bearer.js';
import { removeKeyFile, writeKeyFile } from './key-file.js';
import {
  isExpired,
  issueKeySet,
  rotateKey,
  sameKey,
  type IssuedKey,
  type KeyKind,
  type KeySet,
} from './keys.js';
import { challenge, failureMessage, type FailureReason } from './messages.js';
import { FailureThrottle } from './throttle.js';

export interface TokenAuthorizationOptions {
  readonly keyFilePath: string;
  readonly lifetimeMs: number;
  readonly failureLimit: number;
  readonly failureWindowMs: number;
  readonly logger: Logger;
  /** Told of every refused request and why, e.g. to count it. */
  readonly onFailure?: ((reason: FailureReason | 'throttled') => void) | undefined;
}

/** What a request presents to the key check, whatever its transport. */
export interface PresentedRequest {
  /** The `Authorization` header or `authorization` metadata value, if any. */
  readonly authorization: string | undefined;
  /** The client's address, which failures are throttled by. */
  readonly remote: string;
  /** The request's id, for the failure's log line. */
  readonly requestId?: string | undefined;
}

const allKinds: readonly KeyKind[] = ['management', 'inference', 'token'];

/**
 * The three keys, their file and their checks. Keys in memory and in the file change together:
 * rotations run one at a time, and memory takes the new key only once the file holds it.
 */
export class TokenAuthorization implements Guard {
  private keys: KeySet;
  private pending: Promise<unknown> = Promise.resolve();
  private closed = false;
  private readonly throttle: FailureThrottle;

  private constructor(
    private readonly options: TokenAuthorizationOptions,
    keys: KeySet,
  ) {
    this.keys = keys;
    this.throttle = new FailureThrottle(options.failureLimit, options.failureWindowMs);
  }

  static async start(options: TokenAuthorizationOptions): Promise<TokenAuthorization> {
    const keys = issueKeySet(Date.now(), options.lifetimeMs);
    try {
      await writeKeyFile(options.keyFilePath, keys);
    } catch (error: unknown) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      throw new Error(
        `Token authorization setup failed: cannot write ${options.keyFilePath}: ${code}`,
      );
    }
    return new TokenAuthorization(options, keys);
  }

  get keyFilePath(): string {
    return this.options.keyFilePath;
  }

  check(req: IncomingMessage, scopes: readonly KeyKind[], path: string, requestId?: string): void {
    const remote = req.socket.remoteAddress ?? 'unknown';
    this.authorize({ authorization: req.headers.authorization, remote, requestId }, scopes, path);
  }

  /**
   * The check without HTTP (gRPC reads the same credentials from its metadata): throws a 401 or
   * 429 ServeError unless `presented` holds a live key of one of `scopes`. `route` is for the log.
   */
  authorize(presented: PresentedRequest, scopes: readonly KeyKind[], route: string): void {
    const address = presented.remote;
    const now = Date.now();
    const waitMs = this.throttle.retryAfterMs(address, now);
    if (waitMs > 0) {
      this.options.onFailure?.('throttled');
      throw new ServeError('TooManyRequestsException', undefined, {
        'Retry-After': String(Math.ceil(waitMs / 1000)),
      });
    }

    const reason = this.verify(presented.authorization, scopes, now);
    if (reason === undefined) return;
    this.options.onFailure?.(reason);

    const { requestId } = presented;
    this.options.logger.warn(
      { remote: address, route, reason, requestId },
      'Token authorization failed',
    );
    if (this.throttle.recordFailure(address, now)) {
      this.options.logger.warn(
        { remote: address },
        'Too many authorization failures; throttling address',
      );
    }
    throw new ServeError('InvalidKeyException', failureMessage(reason, scopes), {
      'WWW-Authenticate': challenge(reason),
    });
  }

  private verify(
    header: string | undefined,
    scopes: readonly KeyKind[],
    now: number,
  ): FailureReason | undefined {
    const credential = parseAuthorization(header);
    if (credential.kind !== 'bearer') return credential.kind;
    const presented = Buffer.from(credential.key);

    for (const scope of scopes) {
      const key = this.keys[scope];
      if (sameKey(presented, key)) return isExpired(key, now) ? 'expired' : undefined;
    }
    const other = allKinds.some(
      (kind) => !scopes.includes(kind) && sameKey(presented, this.keys[kind]),
    );
    return other ? 'wrong-scope' : 'unknown';
  }

  /** Replaces one key: the old one stops working as soon as the file holds the new one. */
  rotate(kind: 'management' | 'inference'): Promise<IssuedKey> {
    const rotation = this.pending.then(async () => {
      if (this.closed)
        throw new ServeError('ServiceUnavailableException', 'Server is shutting down.');
      const next = rotateKey(this.keys, kind, Date.now(), this.options.lifetimeMs);
      await writeKeyFile(this.options.keyFilePath, next);
      this.keys = next;
      this.options.logger.info({ kind }, `Rotated the ${kind} key`);
      return next[kind];
    });
    this.pending = rotation.catch(() => undefined);
    return rotation;
  }

  /** Waits for a rotation in progress, then deletes the key file this server wrote. */
  async close(): Promise<void> {
    await this.pending;
    if (this.closed) return;
    this.closed = true;
    const removed = await removeKeyFile(this.options.keyFilePath, this.keys);
    if (removed) this.options.logger.info(`Removed key file ${this.options.keyFilePath}`);
  }
}
