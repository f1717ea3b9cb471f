import { isIP } from 'node:net';

/** Where a listener binds: a TCP host and port (plain or TLS), or a Unix socket path. */
export type ListenAddress =
  | { readonly kind: 'tcp'; readonly tls: boolean; readonly host: string; readonly port: number }
  | { readonly kind: 'unix'; readonly path: string };

/**
 * Parses TorchServe's address forms: `http://host[:port]`, `https://host[:port]`, `unix:/path`.
 * A missing port takes `defaultPort` (plain) or `defaultTlsPort` (TLS). Port 0 asks the system
 * for a free port.
 */
export function parseAddress(
  raw: string,
  key: string,
  defaultPort: number,
  defaultTlsPort: number,
): ListenAddress {
  const text = raw.trim();
  const fail = (why: string): never => {
    throw new TypeError(`${key}=${JSON.stringify(raw)}: ${why}`);
  };

  if (text.startsWith('unix:')) {
    const path = text.slice('unix:'.length).replace(/^\/\/(?=\/)/, '');
    if (!path.startsWith('/')) fail('expected unix:/absolute/path');
    return { kind: 'unix', path };
  }

  const match = /^(https?):\/\/(\[[^\]]+\]|[^/:\s]+)(?::(\d+))?\/?$/i.exec(text);
  if (match === null) return fail('expected http://host:port, https://host:port or unix:/path');
  const [, scheme = '', bracketedHost = '', portText] = match;
  const tls = scheme.toLowerCase() === 'https';
  const host = bracketedHost.replace(/^\[|\]$/g, '');
  if (bracketedHost.startsWith('[') && isIP(host) !== 6) fail(`${host} is not an IPv6 address`);

  const port = portText === undefined ? (tls ? defaultTlsPort : defaultPort) : Number(portText);
  if (port > 65535) fail(`port ${port} is out of range 0-65535`);
  return { kind: 'tcp', tls, host, port };
}

/** A stable text for an address, used to decide which APIs share a listener. */
export function addressIdentity(address: ListenAddress): string {
  if (address.kind === 'unix') return `unix:${address.path}`;
  return `${address.tls ? 'https' : 'http'}://${address.host.toLowerCase()}:${address.port}`;
}

export function isLoopback(address: ListenAddress): boolean {
  if (address.kind === 'unix') return true;
  const host = address.host.toLowerCase();
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
