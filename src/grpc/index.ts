import { setLogger } from '@grpc/grpc-js';
import { format } from 'node:util';
import type { HealthSource } from '../api/health.js';
import type { CredentialCheck } from '../auth/index.js';
import { isLoopback, type Config } from '../config/index.js';
import type { Logger, Logs } from '../logging/index.js';
import type { ModelManager } from '../models/index.js';
import type { ModelRegistry } from '../registry/index.js';
import { inferenceService } from './inference-service.js';
import { managementService } from './management-service.js';
import { loadServices } from './protos.js';
import { RpcRunner } from './rpc.js';
import {
  bindGrpcServer,
  closeGrpcServer,
  grpcCredentials,
  type BoundGrpcServer,
  type GrpcApi,
  type GrpcPlan,
} from './servers.js';

export type { BoundGrpcServer } from './servers.js';

/** What the gRPC services need from the rest of the server. */
export interface GrpcParts {
  readonly config: Config;
  readonly logs: Logs;
  readonly authEnabled: boolean;
  readonly authorize: CredentialCheck;
  readonly registry: ModelRegistry;
  readonly manager: ModelManager;
  readonly health: HealthSource;
  readonly metrics?: { response(status: number): void } | undefined;
}

export interface GrpcServers {
  readonly servers: readonly BoundGrpcServer[];
  /** Stops both servers, letting open calls finish for up to `timeoutMs`. */
  close(timeoutMs: number): Promise<void>;
}

const titles = { inference: 'Inference', management: 'Management' } as const;

type ServiceParts = Pick<GrpcPlan, 'service' | 'implementation'>;

/** One API's server, from its `grpc_<api>_*` settings. */
function planFor(api: GrpcApi, config: Config, service: ServiceParts): GrpcPlan {
  const { settings } = config;
  return {
    api,
    ...service,
    host: settings[`grpc_${api}_address`],
    port: settings[`grpc_${api}_port`],
    maxConnectionAgeMs: settings[`grpc_${api}_max_connection_age_ms`],
    maxConnectionAgeGraceMs: settings[`grpc_${api}_max_connection_age_grace_ms`],
  };
}

function plans(parts: GrpcParts, runner: RpcRunner): GrpcPlan[] {
  const { config, registry } = parts;
  const { settings } = config;
  const services = loadServices();
  const inference = inferenceService(
    { registry, health: parts.health, healthOpen: settings.token_authorization_health_open },
    runner,
  );
  const management = managementService(
    { registry, manager: parts.manager, modelApiEnabled: settings.enable_model_api },
    runner,
  );
  return [
    planFor('inference', config, { service: services.inference, implementation: inference }),
    planFor('management', config, { service: services.management, implementation: management }),
  ];
}

function logBinding(bound: BoundGrpcServer, parts: GrpcParts): void {
  const log = parts.logs.server;
  log.info(`gRPC ${titles[bound.api]} API bind to: ${bound.target}`);
  const local = isLoopback({ kind: 'tcp', tls: false, host: bound.host, port: 0 });
  if (parts.authEnabled && !parts.config.settings.enable_grpc_ssl && !local) {
    log.warn(
      `gRPC ${bound.api} API at ${bound.target} is reachable beyond this machine without TLS: ` +
        'keys travel in clear text. Set enable_grpc_ssl=true with private_key_file and certificate_file.',
    );
  }
}

/**
 * grpc-js prints its own errors on stderr; they repeat what the server reports in its own words
 * (a failed bind, a dropped call), so they go to the server log at debug level. Process-wide.
 */
function routeLibraryLogs(logger: Logger): void {
  setLogger({
    error: (message: unknown, ...rest: unknown[]) =>
      logger.debug({ source: 'grpc-js' }, format(message, ...rest)),
  });
}

/**
 * Starts TorchServe's two gRPC services, inference and management, each on its own server
 * (TorchServe always starts both). Rejects, with nothing left bound, when either cannot bind.
 */
export async function startGrpcServers(parts: GrpcParts): Promise<GrpcServers> {
  const { config, logs } = parts;
  routeLibraryLogs(logs.server);
  const credentials = grpcCredentials(config);
  const runner = new RpcRunner({
    authorize: parts.authorize,
    accessLog: logs.access,
    serverLog: logs.server,
    metrics: parts.metrics,
  });
  const bound: BoundGrpcServer[] = [];
  try {
    for (const plan of plans(parts, runner)) {
      bound.push(await bindGrpcServer(plan, credentials, config.settings.max_request_size));
    }
  } catch (error: unknown) {
    await Promise.all(bound.map((server) => closeGrpcServer(server, 0)));
    throw error;
  }
  for (const server of bound) logBinding(server, parts);
  return {
    servers: bound,
    close: async (timeoutMs) => {
      await Promise.all(bound.map((server) => closeGrpcServer(server, timeoutMs)));
    },
  };
}
