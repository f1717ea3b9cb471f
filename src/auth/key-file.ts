import { constants } from 'node:fs';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import type { IssuedKey, KeySet } from './keys.js';

/** The file name and shape the seed document gives; clients read it as they do TorchServe's. */
export const KEY_FILE_NAME = 'key_file.json';

function expiring(key: IssuedKey): { key: string; 'expiration time': string } {
  return { key: key.text, 'expiration time': new Date(key.expiresAt ?? 0).toISOString() };
}

export function keyFileEntry(key: IssuedKey): { key: string; 'expiration time'?: string } {
  return key.expiresAt === undefined ? { key: key.text } : expiring(key);
}

export function formatKeyFile(keys: KeySet): string {
  const document = {
    management: expiring(keys.management),
    inference: expiring(keys.inference),
    API: { key: keys.token.text },
  };
  return JSON.stringify(document, null, 2);
}

const exclusiveNoFollow =
  constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/**
 * Writes the key file whole or not at all: a fresh 0600 temporary file beside it (created
 * exclusively, never through a symlink), synced, then renamed over the old one. A symlink or a
 * stale file at the final path is replaced, not followed.
 */
export async function writeKeyFile(path: string, keys: KeySet): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temporary, exclusiveNoFollow, 0o600);
  try {
    await handle.writeFile(formatKeyFile(keys));
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temporary, path);
  } catch (error: unknown) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}

/**
 * Deletes the key file if it still holds this server's API key, so a server never removes
 * another instance's file that replaced its own.
 */
export async function removeKeyFile(path: string, keys: KeySet): Promise<boolean> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined || !text.includes(`"${keys.token.text}"`)) return false;
  await unlink(path);
  return true;
}
