import { existsSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { basename, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ServeError } from '../errors/index.js';
import {
  displayUrl,
  downloadArchive,
  failed,
  isAllowedUrl,
  type DownloadOptions,
} from './download.js';

/** Where a registration's archive is on disk, and whether the server fetched it. */
export interface ModelSource {
  readonly path: string;
  readonly downloaded: boolean;
}

const remoteScheme = /^(https?|file):\/\//i;

function notFound(message: string): ServeError {
  return new ServeError('ModelNotFoundException', message);
}

/** A path inside the model store, or undefined when the name would leave it. */
function inStore(modelStore: string, name: string): string | undefined {
  const path = resolve(modelStore, name);
  const rel = relative(modelStore, path);
  return rel === '' || rel.startsWith('..') || rel.startsWith(sep) ? undefined : path;
}

/**
 * Resolves a register `url` as TorchServe does: a name in the model store, or a URL that an
 * `allowed_urls` pattern admits, fetched into the store. Nothing remote is allowed by default.
 */
export async function resolveModelSource(
  url: string,
  modelStore: string,
  download: DownloadOptions,
): Promise<ModelSource> {
  if (url === '') throw notFound('empty url');
  if (url.includes('..')) throw notFound(`Relative path is not allowed in url: ${url}`);

  if (!remoteScheme.test(url)) {
    const path = inStore(modelStore, url);
    if (path === undefined || !existsSync(path)) throw notFound(`Model not found at: ${url}`);
    return { path, downloaded: false };
  }

  if (!isAllowedUrl(url, download.allowed)) {
    throw notFound(`Given URL ${displayUrl(url)} does not match any allowed URL(s)`);
  }
  const fileName = basename(new URL(url).pathname);
  const destination = inStore(modelStore, fileName);
  if (destination === undefined || fileName === '') {
    throw notFound(`Model not found at: ${displayUrl(url)}`);
  }
  if (existsSync(destination)) {
    throw new ServeError('InternalServerException', `Model file already exists ${fileName}`);
  }
  if (url.toLowerCase().startsWith('file://')) {
    await copyFile(fileURLToPath(url), destination).catch(() => {
      throw failed(url);
    });
  } else {
    await downloadArchive(url, destination, download);
  }
  return { path: destination, downloaded: true };
}
