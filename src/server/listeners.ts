import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { ClientErrorListener } from './client-error.js';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { addressIdentity, type Config, type ListenAddress } from '../config/index.js';
import type { RequestListener } from './dispatcher.js';
import type { ApiName } from './route.js';

/** One socket to bind and the APIs it serves; equal addresses share one listener. */
export interface ListenerPlan {
  readonly address: ListenAddress;
  readonly apis: ReadonlySet<ApiName>;
}

export interface BoundListener {
  readonly plan: ListenerPlan;
  readonly server: Server;
  /** The address as bound, with the real port when port 0 was asked for. */
  readonly url: string;
}

export function planListeners(config: Config): ListenerPlan[] {
  const { settings } = config;
  const wanted: [ApiName, ListenAddress][] = [
    ['inference', settings.inference_address],
    ['management', settings.management_address],
  ];
  if (settings.enable_metrics_api) wanted.push(['metrics', settings.metrics_address]);

  const byAddress = new Map<string, { address: ListenAddress; apis: Set<ApiName> }>();
  for (const [api, address] of wanted) {
    const identity = addressIdentity(address);
    const plan = byAddress.get(identity) ?? { address, apis: new Set<ApiName>() };
    plan.apis.add(api);
    byAddress.set(identity, plan);
  }
  return [...byAddress.values()];
}

function readTlsFiles(config: Config): { key: Buffer; cert: Buffer } {
  const { private_key_file: keyFile, certificate_file: certFile } = config.settings;
  if (keyFile === undefined || certFile === undefined) {
    throw new Error('An https:// address needs both private_key_file and certificate_file');
  }
  return {
    key: readFileSync(resolve(config.workingDir, keyFile)),
    cert: readFileSync(resolve(config.workingDir, certFile)),
  };
}

function boundUrl(address: ListenAddress, server: Server): string {
  if (address.kind === 'unix') return `unix:${address.path}`;
  const { port } = server.address() as AddressInfo;
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  return `${address.tls ? 'https' : 'http'}://${host}:${port}`;
}

/**
 * The dispatcher refuses an HTTP/1.1 request without `Host` itself, with the JSON error body.
 * Repeated headers that `node:http` would keep only the first of (`Host`, `Authorization`, …) are
 * joined instead, so that a second `Host` is seen and refused, and two credentials never pass
 * as the first one alone.
 */
const serverOptions = { requireHostHeader: false, joinDuplicateHeaders: true };

/** Binds one listener; rejects with a line naming the APIs and the address when it can't. */
export function bindListener(
  plan: ListenerPlan,
  config: Config,
  onRequest: RequestListener,
  onClientError: ClientErrorListener,
): Promise<BoundListener> {
  const { address } = plan;
  const tls = address.kind === 'tcp' && address.tls;
  const server = tls
    ? createHttpsServer({ ...readTlsFiles(config), ...serverOptions }, onRequest)
    : createHttpServer(serverOptions, onRequest);
  server.keepAliveTimeout = 60_000;
  server.on('clientError', onClientError);

  return new Promise((resolvePromise, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const apis = [...plan.apis].join(' and ');
      reject(
        new Error(
          `Cannot bind the ${apis} API to ${addressIdentity(address)}: ${error.code ?? error.message}`,
        ),
      );
    });
    const onListening = (): void =>
      resolvePromise({ plan, server, url: boundUrl(address, server) });
    if (address.kind === 'unix') server.listen(address.path, onListening);
    else server.listen(address.port, address.host, onListening);
  });
}

/** Stops accepting, waits up to `timeoutMs` for open requests, then cuts what remains. */
export async function closeListener(listener: BoundListener, timeoutMs: number): Promise<void> {
  const { server } = listener;
  const closed = new Promise<void>((resolvePromise) => server.close(() => resolvePromise()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), timeoutMs);
  await closed;
  clearTimeout(timer);
}
