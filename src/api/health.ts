import type { Route } from '../server/route.js';

/** What the health endpoints ask of the rest of the server. */
export interface HealthSource {
  /** False when some model's default version has fewer healthy workers than its minimum. */
  isHealthy(): boolean;
}

/** What `/ping` answers (and gRPC Ping carries as text): Healthy, or 500 Unhealthy. */
export function pingReply(health: HealthSource): { status: number; json: { status: string } } {
  return health.isHealthy()
    ? { status: 200, json: { status: 'Healthy' } }
    : { status: 500, json: { status: 'Unhealthy' } };
}

/** `/ping` (TorchServe) and `/v2/health/live|ready` (Open Inference Protocol). */
export function healthRoutes(health: HealthSource): Route[] {
  return [
    {
      apis: ['inference'],
      path: '/ping',
      methods: 'ANY',
      access: 'health',
      summary: 'Server health: Healthy or Unhealthy.',
      handle: () => pingReply(health),
    },
    {
      apis: ['inference'],
      path: '/v2/health/live',
      methods: ['GET'],
      access: 'health',
      summary: 'Liveness (Open Inference Protocol).',
      handle: () => ({ json: { live: true } }),
    },
    {
      apis: ['inference'],
      path: '/v2/health/ready',
      methods: ['GET'],
      access: 'health',
      summary: 'Readiness (Open Inference Protocol).',
      handle: () => {
        const ready = health.isHealthy();
        return { status: ready ? 200 : 503, json: { ready } };
      },
    },
  ];
}
