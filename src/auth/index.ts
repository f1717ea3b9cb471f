import { resolve } from 'node:path';
import type { Config } from '../config/index.js';
import type { Logger } from '../logging/index.js';
import { openGuard, type Guard } from '../server/guard.js';
import type { Route } from '../server/route.js';
import { KEY_FILE_NAME } from './key-file.js';
import type { FailureReason } from './messages.js';
import { tokenRoutes } from './token-api.js';
import type { KeyKind } from './keys.js';
import { TokenAuthorization, type PresentedRequest } from './token-authorization.js';

export { parseAuthorization, type PresentedCredential } from './bearer.js';
export { KEY_FILE_NAME } from './key-file.js';
export type { PresentedRequest } from './token-authorization.js';

/**
 * The key check for transports other than HTTP (gRPC): throws the guard's 401 or 429 ServeError,
 * with the same throttling, failure log and metrics. `route` names the call in the log.
 */
export type CredentialCheck = (
  presented: PresentedRequest,
  scopes: readonly KeyKind[],
  route: string,
) => void;

/** Token authorization as the server uses it: the guard, the token API routes, and shutdown. */
export interface AuthSetup {
  readonly enabled: boolean;
  /** Absolute path of key_file.json; undefined when authorization is off. */
  readonly keyFilePath: string | undefined;
  readonly guard: Guard;
  readonly authorize: CredentialCheck;
  readonly routes: readonly Route[];
  close(): Promise<void>;
}

/** `onFailure` hears of every refused request and why (the server's metrics count them). */
export async function setUpTokenAuthorization(
  config: Config,
  logger: Logger,
  onFailure?: (reason: FailureReason | 'throttled') => void,
): Promise<AuthSetup> {
  const { settings } = config;
  if (settings.disable_token_authorization) {
    logger.warn('Token authorization is disabled: anyone who can reach the APIs can use them');
    return {
      enabled: false,
      keyFilePath: undefined,
      guard: openGuard,
      authorize: () => undefined,
      routes: [],
      close: () => Promise.resolve(),
    };
  }

  const authorization = await TokenAuthorization.start({
    keyFilePath: resolve(config.workingDir, KEY_FILE_NAME),
    lifetimeMs: settings.token_expiration_min * 60_000,
    failureLimit: settings.token_authorization_failure_limit,
    failureWindowMs: settings.token_authorization_failure_window_sec * 1000,
    logger,
    onFailure,
  });
  logger.info('Token Authorization Enabled');
  logger.info(`Key file located at ${authorization.keyFilePath}`);

  return {
    enabled: true,
    keyFilePath: authorization.keyFilePath,
    guard: authorization,
    authorize: (presented, scopes, route) => authorization.authorize(presented, scopes, route),
    routes: tokenRoutes(authorization),
    close: () => authorization.close(),
  };
}
