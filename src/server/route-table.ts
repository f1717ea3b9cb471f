import { descriptionRoutes } from '../api/description.js';
import { healthRoutes, type HealthSource } from '../api/health.js';
import type { Route } from './route.js';

export interface RouteTableParts {
  readonly version: string;
  readonly authEnabled: boolean;
  readonly health: HealthSource;
  readonly tokenRoutes: readonly Route[];
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
  return Object.freeze(routes);
}
