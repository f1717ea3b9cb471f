export { Batcher } from './batcher.js';
export type { BatcherOptions } from './options.js';
