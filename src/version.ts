import { readFileSync } from 'node:fs';

/** The package version, read once from package.json beside the compiled tree. */
function readVersion(): string {
  for (const relative of ['../../package.json', '../package.json']) {
    try {
      const text = readFileSync(new URL(relative, import.meta.url), 'utf8');
      return (JSON.parse(text) as { version: string }).version;
    } catch {
      continue;
    }
  }
  return '0.0.0';
}

export const version = readVersion();
