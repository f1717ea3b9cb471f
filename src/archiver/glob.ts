import { readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, parse, resolve, sep } from 'node:path';

/** True when a path has `*`, `?` or `[...]`, as in Python's glob, which the archiver follows. */
export function hasGlobMagic(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

/**
 * Expands a glob the way Python's `glob.glob` does: wildcards match within one path segment, and
 * a wildcard does not match names starting with a dot unless the pattern segment does too.
 * Returns absolute paths, sorted; relative patterns are taken from `cwd`.
 */
export async function expandGlob(pattern: string, cwd: string): Promise<string[]> {
  const root = isAbsolute(pattern) ? parse(pattern).root : '';
  const segments = pattern
    .slice(root.length)
    .split(sep === '/' ? '/' : /[\\/]/)
    .filter((segment) => segment !== '');
  let paths = [root === '' ? resolve(cwd) : root];
  for (const segment of segments) {
    paths = hasGlobMagic(segment)
      ? (await Promise.all(paths.map((path) => matchChildren(path, segment)))).flat()
      : paths.map((path) => join(path, segment));
  }
  const present = await Promise.all(paths.map((path) => stat(path).then(isSomething, isNothing)));
  return paths.filter((_, index) => present[index]).sort();
}

const isSomething = (): boolean => true;
const isNothing = (): boolean => false;

async function matchChildren(dir: string, segment: string): Promise<string[]> {
  const names = await readdir(dir).catch((): string[] => []);
  const matcher = segmentPattern(segment);
  const showHidden = segment.startsWith('.');
  return names
    .filter((name) => (showHidden || !name.startsWith('.')) && matcher.test(name))
    .map((name) => join(dir, name));
}

/** One segment's wildcards as a regular expression; an unclosed `[` is a literal. */
export function segmentPattern(segment: string): RegExp {
  let source = '';
  for (let index = 0; index < segment.length; index += 1) {
    const char = segment[index] ?? '';
    const close = char === '[' ? segment.indexOf(']', index + 2) : -1;
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else if (close !== -1) {
      source += characterClass(segment.slice(index + 1, close));
      index = close;
    } else source += escapeLiteral(char);
  }
  return new RegExp(`^${source}$`, 's');
}

function characterClass(body: string): string {
  const negated = body.startsWith('!');
  const members = (negated ? body.slice(1) : body).replace(/[\\\]^]/g, '\\$&');
  return `[${negated ? '^' : ''}${members}]`;
}

function escapeLiteral(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
