import { randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 random bytes: 256 bits, 43 base64url characters. */
const KEY_BYTES = 32;

/** The kinds of key in `key_file.json`; `token` is the file's `API` key. */
export type KeyKind = 'management' | 'inference' | 'token';

export interface IssuedKey {
  readonly kind: KeyKind;
  readonly text: string;
  readonly bytes: Buffer;
  /** Epoch milliseconds; undefined for the API key, which does not expire. */
  readonly expiresAt: number | undefined;
}

export function issueKey(kind: KeyKind, expiresAt: number | undefined): IssuedKey {
  const text = randomBytes(KEY_BYTES).toString('base64url');
  return { kind, text, bytes: Buffer.from(text), expiresAt };
}

/** Constant-time for keys of equal length; every issued key has the same length. */
export function sameKey(presented: Buffer, key: IssuedKey): boolean {
  return presented.length === key.bytes.length && timingSafeEqual(presented, key.bytes);
}

/** The three live keys. Immutable: a rotation makes a new set, swapped in whole. */
export interface KeySet {
  readonly management: IssuedKey;
  readonly inference: IssuedKey;
  readonly token: IssuedKey;
}

export function issueKeySet(now: number, lifetimeMs: number): KeySet {
  return {
    token: issueKey('token', undefined),
    management: issueKey('management', now + lifetimeMs),
    inference: issueKey('inference', now + lifetimeMs),
  };
}

export function rotateKey(
  keys: KeySet,
  kind: 'management' | 'inference',
  now: number,
  lifetimeMs: number,
): KeySet {
  return { ...keys, [kind]: issueKey(kind, now + lifetimeMs) };
}

/** A key counts as expired from its expiration instant on, as in TorchServe. */
export function isExpired(key: IssuedKey, now: number): boolean {
  return key.expiresAt !== undefined && now >= key.expiresAt;
}
