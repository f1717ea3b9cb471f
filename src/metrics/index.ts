export type { ModelMetrics, RequestSeries } from './model-metrics.js';
export {
  createMetrics,
  ServerMetrics,
  type AuthFailureReason,
  type MetricsMode,
  type MetricsOptions,
  type QueueDepth,
  type Scrape,
} from './server-metrics.js';
