import type { KeyKind } from './keys.js';

/** Why a request failed the key check. Logged and answered; the key itself never is. */
export type FailureReason = 'missing' | 'malformed' | 'unknown' | 'wrong-scope' | 'expired';

const apiNames: Readonly<Record<KeyKind, string>> = {
  management: 'management API',
  inference: 'inference API',
  token: 'token API',
};

export function failureMessage(reason: FailureReason, scopes: readonly KeyKind[]): string {
  const wanted = scopes.map((scope) => apiNames[scope]).join(' or ');
  const prefix = 'Token authorization failed';
  switch (reason) {
    case 'missing':
      return `${prefix}: no credentials. Send "Authorization: Bearer <key>" with a key from key_file.json.`;
    case 'malformed':
      return `${prefix}: the Authorization header is not of the form "Bearer <key>".`;
    case 'unknown':
      return `${prefix}: the key is not a current key of the ${wanted}.`;
    case 'wrong-scope':
      return `${prefix}: the key belongs to another API; the ${wanted} needs its own key.`;
    case 'expired':
      return `${prefix}: the key of the ${wanted} has expired; get a new one from the token API.`;
  }
}

/** RFC 6750: no error code when no credentials were sent; `invalid_token` otherwise. */
export function challenge(reason: FailureReason): string {
  const realm = 'Bearer realm="onnxserve"';
  return reason === 'missing' ? realm : `${realm}, error="invalid_token"`;
}
