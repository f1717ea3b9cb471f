export { ModelRegistry } from './registry.js';
export type { ModelVersion, ModelVersionSettings, WorkerDescription } from './model-version.js';
