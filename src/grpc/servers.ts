import {
  Server,
  ServerCredentials,
  type ServerOptions,
  type ServiceDefinition,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Config } from '../config/index.js';

export type GrpcApi = 'inference' | 'management';

/** One gRPC server to start: its API, address, service and connection-age limits. */
export interface GrpcPlan {
  readonly api: GrpcApi;
  readonly host: string;
  readonly port: number;
  readonly service: ServiceDefinition;
  readonly implementation: UntypedServiceImplementation;
  readonly maxConnectionAgeMs: number | undefined;
  readonly maxConnectionAgeGraceMs: number | undefined;
}

export interface BoundGrpcServer {
  readonly api: GrpcApi;
  readonly host: string;
  readonly server: Server;
  /** `host:port` as clients dial it, with the real port when port 0 was asked for. */
  readonly target: string;
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** `enable_grpc_ssl`: TLS with certificate_file and private_key_file, else plain HTTP/2. */
export function grpcCredentials(config: Config): ServerCredentials {
  const { settings } = config;
  if (!settings.enable_grpc_ssl) return ServerCredentials.createInsecure();
  const { private_key_file: keyFile, certificate_file: certFile } = settings;
  if (keyFile === undefined || certFile === undefined) {
    throw new Error('enable_grpc_ssl=true needs both private_key_file and certificate_file');
  }
  const pair = {
    private_key: readFileSync(resolve(config.workingDir, keyFile)),
    cert_chain: readFileSync(resolve(config.workingDir, certFile)),
  };
  return ServerCredentials.createSsl(null, [pair], false);
}

function serverOptions(plan: GrpcPlan, maxRequestSize: number): ServerOptions {
  const options: ServerOptions = { 'grpc.max_receive_message_length': maxRequestSize };
  if (plan.maxConnectionAgeMs !== undefined) {
    options['grpc.max_connection_age_ms'] = plan.maxConnectionAgeMs;
  }
  if (plan.maxConnectionAgeGraceMs !== undefined) {
    options['grpc.max_connection_age_grace_ms'] = plan.maxConnectionAgeGraceMs;
  }
  return options;
}

/** The system error code in grpc-js's bind failure text (`EADDRINUSE`), or the text itself. */
function bindFailure(error: Error): string {
  return /\b(E[A-Z]{3,})\b/.exec(error.message)?.[1] ?? error.message;
}

/** Binds one server; rejects with one line naming the API and the address when it can't. */
export function bindGrpcServer(
  plan: GrpcPlan,
  credentials: ServerCredentials,
  maxRequestSize: number,
): Promise<BoundGrpcServer> {
  const server = new Server(serverOptions(plan, maxRequestSize));
  server.addService(plan.service, plan.implementation);
  const address = hostPort(plan.host, plan.port);
  return new Promise((resolvePromise, reject) => {
    server.bindAsync(address, credentials, (error, port) => {
      if (error === null) {
        const target = hostPort(plan.host, port);
        resolvePromise({ api: plan.api, host: plan.host, server, target });
        return;
      }
      server.forceShutdown();
      reject(
        new Error(`Cannot bind the gRPC ${plan.api} API to ${address}: ${bindFailure(error)}`),
      );
    });
  });
}

/** Stops taking calls, lets open ones finish for up to `timeoutMs`, then cuts what remains. */
export function closeGrpcServer(bound: BoundGrpcServer, timeoutMs: number): Promise<void> {
  return new Promise((resolvePromise) => {
    const timer = setTimeout(() => {
      bound.server.forceShutdown();
      resolvePromise();
    }, timeoutMs);
    bound.server.tryShutdown(() => {
      clearTimeout(timer);
      resolvePromise();
    });
  });
}
