import { descriptionRoutes } from '../api/description.js';
import { healthRoutes, type HealthSource } from '../api/health.js';
import { kserveRoutes, predictionRoutes } from '../api/inference/index.js';
import { managementRoutes } from '../api/management/index.js';
import { metricsRoutes, type MetricsSource } from '../api/metrics.js';
import type { ModelManager } from '../models/index.js';
import type { ModelRegistry } from '../registry/index.js';
import type { Route } from './route.js';

export interface RouteTableParts {
  readonly version: string;
  readonly authEnabled: boolean;
  /** `token_authorization_health_open`: whether the health routes answer without a key. */
  readonly healthOpen?: boolean;
  readonly health: HealthSource;
  readonly tokenRoutes: readonly Route[];
  readonly registry: ModelRegistry;
  readonly manager: ModelManager;
  /** Serves `/metrics` on the metrics listener when given. */
  readonly metrics?: MetricsSource;
}

/**
 * Every route of every listener, in matching order. Each declares the APIs that serve it and
 * the key it needs; the dispatcher refuses what is not declared here.
 */
export function buildRouteTable(parts: RouteTableParts): readonly Route[] {
  const routes: Route[] = [];
  routes.push(...descriptionRoutes(() => routes, parts));
  routes.push(...healthRoutes(parts.health));
  routes.push(...parts.tokenRoutes);
  routes.push(...managementRoutes(parts.registry, parts.manager));
  routes.push(...predictionRoutes(parts.registry));
  routes.push(...kserveRoutes(parts.registry, parts.version));
  if (parts.metrics !== undefined) routes.push(...metricsRoutes(parts.metrics));
  return Object.freeze(routes);
}
