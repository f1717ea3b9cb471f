import type { Route } from './route.js';

type SegmentMatcher =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'param'; readonly names: readonly string[]; readonly pattern: RegExp }
  | { readonly kind: 'rest'; readonly name: string };

interface CompiledRoute {
  readonly route: Route;
  readonly segments: readonly SegmentMatcher[];
}

export type RouteMatch =
  | { readonly kind: 'found'; readonly route: Route; readonly params: Record<string, string> }
  | { readonly kind: 'wrong-method'; readonly route: Route }
  | { readonly kind: 'not-found' };

/**
 * Splits a path the way TorchServe does: trailing empty segments dropped (so `/models/x/` is
 * `/models/x`), each segment percent-decoded. Returns null for undecodable text.
 */
export function splitPath(path: string): string[] | null {
  const raw = path.split('/');
  while (raw.length > 1 && raw[raw.length - 1] === '') raw.pop();
  try {
    return raw.slice(1).map((segment) => decodeURIComponent(segment));
  } catch {
    return null;
  }
}

function compileSegment(segment: string): SegmentMatcher {
  const rest = /^\{(\w+)\*\}$/.exec(segment);
  if (rest !== null) return { kind: 'rest', name: rest[1] ?? '' };
  if (!segment.includes('{')) return { kind: 'literal', text: segment };

  const names: string[] = [];
  const source = segment.replace(
    /\{(\w+)\}|([^{]+)/g,
    (_, name: string | undefined, text: string | undefined) => {
      if (text !== undefined) return text.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
      names.push(name ?? '');
      return '(.+?)';
    },
  );
  return { kind: 'param', names, pattern: new RegExp(`^${source}$`) };
}

function matchSegments(
  matchers: readonly SegmentMatcher[],
  segments: readonly string[],
): Record<string, string> | null {
  const params: Record<string, string> = {};
  for (let index = 0; index < matchers.length; index++) {
    const matcher = matchers[index];
    const segment = segments[index];
    if (matcher === undefined) return null;
    if (matcher.kind === 'rest') {
      params[matcher.name] = segments.slice(index).join('/');
      return params;
    }
    if (segment === undefined) return null;
    if (matcher.kind === 'literal') {
      if (matcher.text !== segment) return null;
      continue;
    }
    const found = matcher.pattern.exec(segment);
    if (found === null) return null;
    matcher.names.forEach((name, position) => (params[name] = found[position + 1] ?? ''));
  }
  return segments.length === matchers.length ? params : null;
}

/** Paths remembered per router (the table is cleared when it fills), and the longest one. */
const CACHED_PATHS = 512;
const CACHED_PATH_LENGTH = 256;

/** Matches a method and path against one listener's routes, in table order. */
export class Router {
  private readonly compiled: readonly CompiledRoute[];
  /** Clients call the same few paths over and over: their matches, by method and path. */
  private readonly cache = new Map<string, RouteMatch>();

  constructor(routes: readonly Route[]) {
    this.compiled = routes.map((route) => ({
      route,
      segments: route.path
        .split('/')
        .slice(1)
        .filter((segment) => segment !== '')
        .map(compileSegment),
    }));
  }

  /**
   * `match` for a raw path, remembered for the next request with the same method and path. Null
   * when the path does not decode. The params of a remembered match are frozen and shared.
   */
  matchPath(method: string, path: string): RouteMatch | null {
    const key = `${method} ${path}`;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const segments = splitPath(path);
    if (segments === null) return null;
    const found = this.match(method, segments);
    if (path.length > CACHED_PATH_LENGTH) return found;
    if (found.kind === 'found') Object.freeze(found.params);
    if (this.cache.size >= CACHED_PATHS) this.cache.clear();
    this.cache.set(key, found);
    return found;
  }

  match(method: string, segments: readonly string[]): RouteMatch {
    let wrongMethod: Route | undefined;
    for (const { route, segments: matchers } of this.compiled) {
      const params = matchSegments(matchers, segments);
      if (params === null) continue;
      if (route.methods === 'ANY' || route.methods.includes(method)) {
        return { kind: 'found', route, params };
      }
      wrongMethod ??= route;
    }
    return wrongMethod === undefined
      ? { kind: 'not-found' }
      : { kind: 'wrong-method', route: wrongMethod };
  }
}
