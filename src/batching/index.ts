export { Batcher } from './batcher.js';
export type { BatcherOptions } from './options.js';
export type { CancelListener, CancelSignal } from './cancel-signal.js';
