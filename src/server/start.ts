import { isLoopback, type Config } from '../config/index.js';
import { setUpTokenAuthorization, type AuthSetup } from '../auth/index.js';
import { startGrpcServers } from '../grpc/index.js';
import type { Logs } from '../logging/index.js';
import { createMetrics, type ServerMetrics } from '../metrics/index.js';
import { createModelService } from '../models/index.js';
import { version } from '../version.js';
import { summarizeConfig } from './config-summary.js';
import { createDispatcher } from './dispatcher.js';
import { bindListener, closeListener, planListeners, type BoundListener } from './listeners.js';
import { clientErrorAnswer } from './client-error.js';
import { PendingReplies } from './pending-replies.js';
import { corsHeaders, createReplyWriter } from './responses.js';
import type { ApiName, Route } from './route.js';
import { buildRouteTable } from './route-table.js';

export interface RunningServer {
  readonly listeners: readonly BoundListener[];
  /** Drains and stops everything; every call returns the same promise. */
  close(): Promise<void>;
}

const apiTitles: Readonly<Record<ApiName, string>> = {
  inference: 'Inference',
  management: 'Management',
  metrics: 'Metrics',
};

/** Starts a server from a resolved configuration and returns once every listener is bound. */
export async function startServer(config: Config, logs: Logs): Promise<RunningServer> {
  const logger = logs.server;
  logger.info(`onnxserve ${version}`);
  logger.info(summarizeConfig(config));
  for (const warning of config.warnings) logger.warn(warning);

  const metrics = createMetrics(config, logger, logs.metrics);
  const auth = await setUpTokenAuthorization(config, logger, (reason) =>
    metrics.authFailure(reason),
  ).catch(async (error: unknown) => {
    await metrics.close();
    throw error;
  });
  const models = createModelService(config, logs, metrics);
  const { registry } = models;
  const health = { isHealthy: () => registry.defaults().every((model) => model.isHealthy()) };
  const routes = buildRouteTable({
    version,
    authEnabled: auth.enabled,
    healthOpen: config.settings.token_authorization_health_open,
    health,
    tokenRoutes: auth.routes,
    registry,
    manager: models.manager,
    metrics,
  });

  let draining = false;
  const listeners = await bindAll(config, logs, routes, auth, metrics, () => draining).catch(
    async (error: unknown) => {
      await models.close(0);
      await metrics.close();
      throw error;
    },
  );
  for (const listener of listeners) logBinding(listener, auth.enabled, logs);
  logExampleCall(listeners, auth, logs);
  const grpc = await startGrpcServers({
    config,
    logs,
    authEnabled: auth.enabled,
    authorize: auth.authorize,
    registry,
    manager: models.manager,
    health,
    metrics,
  }).catch(async (error: unknown) => {
    await Promise.all(listeners.map((listener) => closeListener(listener, 0)));
    await Promise.all([models.close(0), auth.close(), metrics.close()]);
    throw error;
  });

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      draining = true;
      logger.info('Stopping model server');
      const timeoutMs = config.settings.shutdown_timeout_sec * 1000;
      await Promise.all([
        ...listeners.map((listener) => closeListener(listener, timeoutMs)),
        grpc.close(timeoutMs),
      ]);
      await models.close(timeoutMs);
      await auth.close();
      await metrics.close();
      logger.info('Model server stopped.');
      logs.flush();
    })();
    return closing;
  };

  try {
    await models.loadInitialModels();
  } catch (error: unknown) {
    await close();
    throw error;
  }
  if (config.settings.enable_model_api && !auth.enabled) {
    logger.warn('The model API is enabled without token authorization: anyone can register models');
  }
  logger.info('Model server started.');
  return { listeners, close };
}

async function bindAll(
  config: Config,
  logs: Logs,
  routes: readonly Route[],
  auth: AuthSetup,
  metrics: ServerMetrics,
  isDraining: () => boolean,
): Promise<BoundListener[]> {
  const writer = createReplyWriter(corsHeaders(config.settings));
  const replies = new PendingReplies();
  const bound: BoundListener[] = [];
  try {
    for (const plan of planListeners(config)) {
      const dispatcher = createDispatcher({
        apis: plan.apis,
        routes,
        guard: auth.guard,
        writer,
        maxRequestSize: config.settings.max_request_size,
        modelApiEnabled: config.settings.enable_model_api,
        healthOpen: config.settings.token_authorization_health_open,
        isDraining,
        serverLog: logs.server,
        accessLog: logs.access,
        metrics,
        replies,
      });
      bound.push(await bindListener(plan, config, dispatcher, clientErrorAnswer(writer, replies)));
    }
  } catch (error: unknown) {
    await Promise.all(bound.map((listener) => closeListener(listener, 0)));
    await auth.close();
    throw error;
  }
  return bound;
}

function logBinding(listener: BoundListener, authEnabled: boolean, logs: Logs): void {
  for (const api of listener.plan.apis)
    logs.server.info(`${apiTitles[api]} API bind to: ${listener.url}`);
  const { address } = listener.plan;
  const plain = address.kind === 'tcp' && !address.tls;
  if (authEnabled && plain && !isLoopback(address)) {
    logs.server.warn(
      `${listener.url} is reachable beyond this machine over plain HTTP: keys travel in clear text. ` +
        'Use an https:// address with private_key_file and certificate_file.',
    );
  }
}

/** A ready-to-paste call that reads the management key from the file, never printing it. */
function logExampleCall(listeners: readonly BoundListener[], auth: AuthSetup, logs: Logs): void {
  const management = listeners.find((listener) => listener.plan.apis.has('management'));
  if (management === undefined || management.plan.address.kind === 'unix') return;
  const header =
    auth.keyFilePath === undefined
      ? ''
      : ` -H "Authorization: Bearer $(node -p "require('${auth.keyFilePath}').management.key")"`;
  logs.server.info(`Try it: curl ${management.url}/models${header}`);
}
