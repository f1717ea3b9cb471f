import type { Route } from '../server/route.js';

/** What the metrics endpoint asks of the server's metrics. */
export interface MetricsSource {
  scrape(names: readonly string[]): Promise<{ contentType: string; text: string }>;
}

/** `/metrics` (any method), optionally `?name[]=A&name[]=B`, open as in TorchServe. */
export function metricsRoutes(metrics: MetricsSource): Route[] {
  return [
    {
      apis: ['metrics'],
      path: '/metrics',
      methods: 'ANY',
      access: 'open',
      summary: 'Metrics in Prometheus text format; name[] filters families.',
      produces: 'text/plain',
      handle: async (context) => {
        const { contentType, text } = await metrics.scrape(context.query.getAll('name[]'));
        return { body: text, contentType };
      },
    },
  ];
}
