/** What an `Authorization` header holds, before any key is compared. */
export type PresentedCredential =
  | { readonly kind: 'missing' }
  | { readonly kind: 'malformed' }
  | { readonly kind: 'bearer'; readonly key: string };

const bearerPattern = /^bearer[ \t]+(\S+)$/i;

/**
 * RFC 6750 bearer credentials: the scheme word in any case, whitespace, one token. Anything
 * else (another scheme, no token, several tokens) is malformed.
 */
export function parseAuthorization(header: string | undefined): PresentedCredential {
  if (header === undefined) return { kind: 'missing' };
  const text = header.trim();
  if (text === '') return { kind: 'missing' };
  const match = bearerPattern.exec(text);
  const key = match?.[1];
  return key === undefined ? { kind: 'malformed' } : { kind: 'bearer', key };
}
