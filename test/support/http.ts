import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';

export interface HttpReply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  json<T = Record<string, unknown>>(): T;
}

export interface HttpOptions {
  readonly method?: string;
  readonly key?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  /** CA certificate to trust for https:// URLs. */
  readonly ca?: string | Buffer;
}

/** One request with node:http(s); no connection reuse, so every test sees fresh sockets. */
export function send(url: string, options: HttpOptions = {}): Promise<HttpReply> {
  const target = new URL(url);
  const headers: Record<string, string> = { ...options.headers };
  if (options.key !== undefined) headers.authorization = `Bearer ${options.key}`;
  if (options.body !== undefined)
    headers['content-length'] = String(Buffer.byteLength(options.body));
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;

  return new Promise((resolve, reject) => {
    const outgoing = request(
      target,
      {
        method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
        headers,
        agent: false,
        ca: options.ca,
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: incoming.statusCode ?? 0,
            headers: incoming.headers,
            text,
            json: <T>() => JSON.parse(text) as T,
          });
        });
        incoming.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

/**
 * Writes `wire` as it is to a plain-HTTP listener and returns everything the server sends until it
 * closes the connection (or `ms` pass): for requests no well-behaved client would send.
 */
export function sendRaw(url: string, wire: string, ms = 5000): Promise<string> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(target.port), target.hostname, () => socket.write(wire));
    let received = '';
    const timer = setTimeout(() => socket.destroy(), ms);
    socket.on('data', (data: Buffer) => (received += data.toString('latin1')));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
    socket.on('error', reject);
  });
}
