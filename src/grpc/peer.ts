/**
 * The client address in a gRPC peer string (`ipv4:127.0.0.1:5000`, `ipv6:[::1]:5000`), the
 * form HTTP's `remoteAddress` has, so that failures are throttled per address, not per port.
 */
export function peerAddress(peer: string): string {
  const text = peer.replace(/^(ipv4|ipv6|unix):/, '');
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed?.[1] !== undefined) return bracketed[1];
  const portStart = text.lastIndexOf(':');
  if (portStart < 0 || text.indexOf(':') !== portStart) return text;
  return /^\d+$/.test(text.slice(portStart + 1)) ? text.slice(0, portStart) : text;
}
